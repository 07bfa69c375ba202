CREATE
LAST	Len	"Cluster of Information Technologies in Construction"
LAST	Lpl	"Klaster Technologii Informacyjnych w Budownictwie"
LAST	Den	"cluster initiative in the Kraków Metropolitan Area, Poland"
LAST	Dpl	"inicjatywa klastrowa w Krakowskim Obszarze Metropolitalnym"
LAST	Aen	"BIM Cluster"
LAST	Apl	"Klaster BIM"
LAST	P17	Q36	S854	"https://kma4business.metropoliakrakowska.pl/aktualnosci/innovative-clusters-in-the-krakow-metropolitan-area"	S813	+2026-11-24T00:00:00Z/11
LAST	P131	Q54159	S854	"https://kma4business.metropoliakrakowska.pl/aktualnosci/innovative-clusters-in-the-krakow-metropolitan-area"	S813	+2026-11-24T00:00:00Z/11
LAST	P452	Q13405640	S854	"https://kma4business.metropoliakrakowska.pl/aktualnosci/innovative-clusters-in-the-krakow-metropolitan-area"	S813	+2026-11-24T00:00:00Z/11
LAST	P452	Q11661	S854	"https://kma4business.metropoliakrakowska.pl/aktualnosci/innovative-clusters-in-the-krakow-metropolitan-area"	S813	+2026-11-24T00:00:00Z/11
CREATE
LAST	Len	"Cracov Movies Cluster"
LAST	Lpl	"Krakowski Klaster Filmowy"
LAST	Den	"cluster initiative in the Kraków Metropolitan Area, Poland"
LAST	Dpl	"inicjatywa klastrowa w Krakowskim Obszarze Metropolitalnym"
LAST	P17	Q36	S854	"https://kma4business.metropoliakrakowska.pl/aktualnosci/innovative-clusters-in-the-krakow-metropolitan-area"	S813	+2026-11-24T00:00:00Z/11
LAST	P131	Q54159	S854	"https://kma4business.metropoliakrakowska.pl/aktualnosci/innovative-clusters-in-the-krakow-metropolitan-area"	S813	+2026-11-24T00:00:00Z/11
LAST	P452	Q1415395	S854	"https://kma4business.metropoliakrakowska.pl/aktualnosci/innovative-clusters-in-the-krakow-metropolitan-area"	S813	+2026-11-24T00:00:00Z/11
CREATE
LAST	Len	"Innovative Foundry Cluster"
LAST	Lpl	"Innowacyjny Klaster Odlewniczy"
LAST	Den	"cluster initiative in the Kraków Metropolitan Area, Poland"
LAST	Dpl	"inicjatywa klastrowa w Krakowskim Obszarze Metropolitalnym"
LAST	P17	Q36	S854	"https://kma4business.metropoliakrakowska.pl/aktualnosci/innovative-clusters-in-the-krakow-metropolitan-area"	S813	+2026-11-24T00:00:00Z/11
LAST	P131	Q54159	S854	"https://kma4business.metropoliakrakowska.pl/aktualnosci/innovative-clusters-in-the-krakow-metropolitan-area"	S813	+2026-11-24T00:00:00Z/11
CREATE
LAST	Len	"Intelligent Lighting Cluster"
LAST	Lpl	"Klaster Inteligentnego Oświetlenia"
LAST	Den	"cluster initiative in the Kraków Metropolitan Area, Poland"
LAST	Dpl	"inicjatywa klastrowa w Krakowskim Obszarze Metropolitalnym"
LAST	P17	Q36	S854	"https://kma4business.metropoliakrakowska.pl/aktualnosci/innovative-clusters-in-the-krakow-metropolitan-area"	S813	+2026-11-24T00:00:00Z/11
LAST	P131	Q54159	S854	"https://kma4business.metropoliakrakowska.pl/aktualnosci/innovative-clusters-in-the-krakow-metropolitan-area"	S813	+2026-11-24T00:00:00Z/11
LAST	P452	Q17177506	S854	"https://kma4business.metropoliakrakowska.pl/aktualnosci/innovative-clusters-in-the-krakow-metropolitan-area"	S813	+2026-11-24T00:00:00Z/11
CREATE
LAST	Len	"LifeScience Kraków Cluster"
LAST	Lpl	"Klaster LifeScience Kraków"
LAST	Den	"cluster initiative in the Kraków Metropolitan Area, Poland"
LAST	Dpl	"inicjatywa klastrowa w Krakowskim Obszarze Metropolitalnym"
LAST	Aen	"LifeScience Kraków"
LAST	P17	Q36	S854	"https://kma4business.metropoliakrakowska.pl/aktualnosci/innovative-clusters-in-the-krakow-metropolitan-area"	S813	+2026-11-24T00:00:00Z/11
LAST	P131	Q54159	S854	"https://kma4business.metropoliakrakowska.pl/aktualnosci/innovative-clusters-in-the-krakow-metropolitan-area"	S813	+2026-11-24T00:00:00Z/11
LAST	P452	Q7108	S854	"https://kma4business.metropoliakrakowska.pl/aktualnosci/innovative-clusters-in-the-krakow-metropolitan-area"	S813	+2026-11-24T00:00:00Z/11
CREATE
LAST	Len	"Małopolsko-Podkarpackie Clean Energy Cluster"
LAST	Lpl	"Małopolsko-Podkarpacki Klaster Czystej Energii"
LAST	Den	"cluster initiative in the Kraków Metropolitan Area, Poland"
LAST	Dpl	"inicjatywa klastrowa w Krakowskim Obszarze Metropolitalnym"
LAST	Aen	"Clean Energy Cluster"
LAST	Apl	"Klaster Czystej Energii"
LAST	P17	Q36	S854	"https://kma4business.metropoliakrakowska.pl/aktualnosci/innovative-clusters-in-the-krakow-metropolitan-area"	S813	+2026-11-24T00:00:00Z/11
LAST	P131	Q54159	S854	"https://kma4business.metropoliakrakowska.pl/aktualnosci/innovative-clusters-in-the-krakow-metropolitan-area"	S813	+2026-11-24T00:00:00Z/11
LAST	P452	Q12705	S854	"https://kma4business.metropoliakrakowska.pl/aktualnosci/innovative-clusters-in-the-krakow-metropolitan-area"	S813	+2026-11-24T00:00:00Z/11
LAST	P2124	42	S854	"https://kma4business.metropoliakrakowska.pl/aktualnosci/innovative-clusters-in-the-krakow-metropolitan-area"	S813	+2026-11-24T00:00:00Z/11
LAST	P571	+2006-00-00T00:00:00Z/9	S854	"https://kma4business.metropoliakrakowska.pl/aktualnosci/innovative-clusters-in-the-krakow-metropolitan-area"	S813	+2026-11-24T00:00:00Z/11
CREATE
LAST	Len	"South Poland Cleantech Cluster"
LAST	Lpl	"Klaster Cleantech Polski Południowej"
LAST	Den	"cluster initiative in the Kraków Metropolitan Area, Poland"
LAST	Dpl	"inicjatywa klastrowa w Krakowskim Obszarze Metropolitalnym"
LAST	P17	Q36	S854	"https://kma4business.metropoliakrakowska.pl/aktualnosci/innovative-clusters-in-the-krakow-metropolitan-area"	S813	+2026-11-24T00:00:00Z/11
LAST	P131	Q54159	S854	"https://kma4business.metropoliakrakowska.pl/aktualnosci/innovative-clusters-in-the-krakow-metropolitan-area"	S813	+2026-11-24T00:00:00Z/11
LAST	P2124	80	S854	"https://kma4business.metropoliakrakowska.pl/aktualnosci/innovative-clusters-in-the-krakow-metropolitan-area"	S813	+2026-11-24T00:00:00Z/11
CREATE
LAST	Len	"Sustainable Infrastructure Cluster"
LAST	Lpl	"Klaster Zrównoważonej Infrastruktury"
LAST	Den	"cluster initiative in the Kraków Metropolitan Area, Poland"
LAST	Dpl	"inicjatywa klastrowa w Krakowskim Obszarze Metropolitalnym"
LAST	P17	Q36	S854	"https://kma4business.metropoliakrakowska.pl/aktualnosci/innovative-clusters-in-the-krakow-metropolitan-area"	S813	+2026-11-24T00:00:00Z/11
LAST	P131	Q54159	S854	"https://kma4business.metropoliakrakowska.pl/aktualnosci/innovative-clusters-in-the-krakow-metropolitan-area"	S813	+2026-11-24T00:00:00Z/11
