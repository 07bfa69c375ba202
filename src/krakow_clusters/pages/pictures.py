"""Pictures of the clusters, drawn as SVG text in plain Python at build or serve time.

Each function takes the clusters as `facets.cluster_view` gives them (a list of dicts, in the
page's language) and returns an `<svg>` element as `Markup`, ready to be put inline in a page (or
written to a file: it declares its namespace, and it is well-formed XML). Every picture has
`role="img"`, a `<title>` and a `<desc>` that `aria-labelledby` names, and the page shows a table
with the same facts beside it. Nothing is styled by a `<style>` element or a `style` attribute
(the CSP allows neither): only presentation attributes (`fill`, `stroke`, `opacity`, …). No font,
script or image comes from elsewhere; text uses the reader's system font. The same input gives
the same bytes (coordinates are rounded; everything is drawn in the order it is given).

- `member_counts_svg(clusters, lang)`: a bar per cluster's stated total. A bare number is a solid
  bar; "more than 70" a solid bar to 70 that opens to the right, fading, with a marker at the
  bound (elements of class `lower-bound`); "almost 50" a bar fading up to a bound line at 50 with
  a marker pointing left (class `upper-bound`): neither is drawn as an exact bar. A cluster with
  no stated total gets a note, not a bar.
- `composition_svg(cluster, lang, pid)`: **the composition of ONE cluster**, its members by type
  as the source counts them (the Intelligent Lighting Cluster: 31 lighting companies, 19
  associated companies, 6 R&D units, 7 business support institutions); None when the source gives
  no breakdown. For the cluster's own page: `facets.composition_of(store, iri, lang)` asks the
  store about that one cluster and gives `{"cluster": view, "svg": picture}` (or None), which the
  `composition` macro of templates/pictures.html renders as a figure with its table:
  `{% from "pictures.html" import composition with context %}…{{ composition(comp) }}`. `pid`
  keeps the ids of the picture unique within a page.
- `helix_mix_svg(clusters, helices, lang)`: which helices of the quadruple-helix model each
  cluster's member types fall in (the curators' classification of member types).
- `network_svg(clusters, lang)`: organisations with a role (coordinator, host, partner), the
  clusters, and the sectors they are tagged with, joined by lines; a fixed three-column layout.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape, quoteattr

from markupsafe import Markup

from .i18n import translator

FONT = "system-ui, -apple-system, 'Segoe UI', sans-serif"
INK = "#222222"
MUTED = "#666666"
GRID = "#dddddd"
BAR = "#2f6497"
# The helices of the quadruple-helix model, by the slug of their IRI; colours told apart by
# lightness as well as hue.
HELIX_COLOURS = {
    "business": "#2f6497",
    "academia": "#c46f00",
    "government": "#3d7f32",
    "civil-society": "#8e3d8c",
}
HELIX_ORDER = ("business", "academia", "government", "civil-society")
CHAR = 6.6  # the width of a character of the 12-unit font, roughly: for layout only


def _n(x: float) -> str:
    """A coordinate, rounded so that the text is the same on every machine."""
    text = f"{x:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _attrs(**attributes: object) -> str:
    out = []
    for name, v in attributes.items():
        if v is not None:
            text = _n(v) if isinstance(v, float) else str(v)
            out.append(f" {name.rstrip('_').replace('_', '-')}={quoteattr(text)}")
    return "".join(out)


def _el(tag: str, text: str | None = None, **attributes: object) -> str:
    if text is None:
        return f"<{tag}{_attrs(**attributes)}/>"
    return f"<{tag}{_attrs(**attributes)}>{text}</{tag}>"


def _text(x: float, y: float, content: str, lang: str | None = None, **attributes: object) -> str:
    return _el("text", escape(content), x=float(x), y=float(y), lang=lang, **attributes)


def _svg(
    pid: str, width: float, height: float, title: str, desc: str, body: Iterable[str]
) -> Markup:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="picture" role="img"'
        f' aria-labelledby="{pid}-title {pid}-desc" viewBox="0 0 {_n(width)} {_n(height)}"'
        f' width="{_n(width)}" height="{_n(height)}" font-family={quoteattr(FONT)}'
        f' font-size="12" fill="{INK}">'
        f'<title id="{pid}-title">{escape(title)}</title>'
        f'<desc id="{pid}-desc">{escape(desc)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")


def _wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` characters, broken between words."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _nice_max(value: float) -> int:
    """The end of the scale: above `value` with room for an open bound, on a round number."""
    step = 10 if value <= 60 else 20 if value <= 150 else 50
    return max(step, math.ceil(value * 1.2 / step) * step)


# --- counts ---------------------------------------------------------------------------------------


def _defs(pid: str) -> str:
    """The gradients of bounds: a lower bound fades out to the right, an upper bound fades in
    from the left up to its bound."""
    lower = _el(
        "linearGradient",
        _el("stop", offset="0", stop_color=BAR, stop_opacity="0.85")
        + _el("stop", offset="1", stop_color=BAR, stop_opacity="0"),
        id=f"{pid}-open",
    )
    upper = _el(
        "linearGradient",
        _el("stop", offset="0", stop_color=BAR, stop_opacity="0.05")
        + _el("stop", offset="1", stop_color=BAR, stop_opacity="0.55"),
        id=f"{pid}-below",
    )
    return _el("defs", lower + upper)


def _count_bar(
    pid: str, count: dict, x0: float, y: float, scale: float, height: float
) -> list[str]:
    """The drawing of one stated count: exact, lower bound, upper bound or about (see the
    module), and its label."""
    value = count["value"]
    qualifier = count.get("qualifier")
    out = []
    end = label_x = x0 + value * scale
    label = count["short"]
    mid = y + height / 2
    if qualifier == "more-than":
        # Certain up to the stated number; beyond it, open: the true count lies further right.
        open_end = label_x = end + max(40.0, value * scale * 0.35)
        out.append(
            _el(
                "g",
                "".join(
                    [
                        _el(
                            "rect",
                            x=float(x0),
                            y=float(y),
                            width=float(end - x0),
                            height=float(height),
                            fill=BAR,
                        ),
                        _el(
                            "rect",
                            x=float(end),
                            y=float(y),
                            width=float(open_end - end),
                            height=float(height),
                            fill=f"url(#{pid}-open)",
                        ),
                        _el(
                            "path",
                            d=f"M{_n(end)} {_n(y - 3)}L{_n(end + 7)} {_n(mid)}L{_n(end)} "
                            f"{_n(y + height + 3)}Z",
                            fill=INK,
                        ),
                    ]
                ),
                class_="count lower-bound",
            )
        )
    elif qualifier == "almost":
        # Below the stated number, by how much not said: a bar fading in up to a bound line,
        # a marker pointing back from the bound.
        out.append(
            _el(
                "g",
                "".join(
                    [
                        _el(
                            "rect",
                            x=float(x0),
                            y=float(y),
                            width=float(end - x0),
                            height=float(height),
                            fill=f"url(#{pid}-below)",
                        ),
                        _el(
                            "line",
                            x1=float(end),
                            y1=float(y - 4),
                            x2=float(end),
                            y2=float(y + height + 4),
                            stroke=INK,
                            stroke_width="2",
                        ),
                        _el(
                            "path",
                            d=f"M{_n(end - 1)} {_n(y - 3)}L{_n(end - 8)} {_n(mid)}L{_n(end - 1)} "
                            f"{_n(y + height + 3)}Z",
                            fill=INK,
                        ),
                    ]
                ),
                class_="count upper-bound",
            )
        )
    else:
        # A bare or exact number: a bar to it; "about" it: the same bar, outlined in dashes.
        about = {"stroke": INK, "stroke_dasharray": "3 2"} if qualifier == "about" else {}
        out.append(
            _el(
                "rect",
                x=float(x0),
                y=float(y),
                width=float(end - x0),
                height=float(height),
                fill=BAR,
                class_="count approximate" if about else "count exact",
                **about,
            )
        )
    out.append(_text(label_x + 6, mid + 4, label))
    return out


def _legend(pid: str, x: float, y: float, lang: str) -> list[str]:
    _ = translator(lang).gettext

    def exact(top: float) -> str:
        return _el("rect", x=float(x), y=float(top), width="24", height="10", fill=BAR)

    def lower(top: float) -> str:
        return "".join(
            [
                _el("rect", x=float(x), y=float(top), width="10", height="10", fill=BAR),
                _el(
                    "rect",
                    x=float(x + 10),
                    y=float(top),
                    width="16",
                    height="10",
                    fill=f"url(#{pid}-open)",
                ),
                _el(
                    "path",
                    d=f"M{_n(x + 10)} {_n(top - 2)}L{_n(x + 15)} {_n(top + 5)}"
                    f"L{_n(x + 10)} {_n(top + 12)}Z",
                    fill=INK,
                ),
            ]
        )

    def upper(top: float) -> str:
        return "".join(
            [
                _el(
                    "rect",
                    x=float(x),
                    y=float(top),
                    width="24",
                    height="10",
                    fill=f"url(#{pid}-below)",
                ),
                _el(
                    "line",
                    x1=float(x + 24),
                    y1=float(top - 2),
                    x2=float(x + 24),
                    y2=float(top + 12),
                    stroke=INK,
                    stroke_width="2",
                ),
                _el(
                    "path",
                    d=f"M{_n(x + 23)} {_n(top - 2)}L{_n(x + 18)} {_n(top + 5)}"
                    f"L{_n(x + 23)} {_n(top + 12)}Z",
                    fill=INK,
                ),
            ]
        )

    items = [
        (exact, _("a number as the source states it")),
        (lower, _("more than the number: a lower bound, open to the right")),
        (upper, _("almost the number: an upper bound, the count is below it")),
    ]
    out = []
    for i, (mark, text) in enumerate(items):
        out.append(mark(y + i * 18))
        out.append(_text(x + 32, y + i * 18 + 9, text, fill=MUTED))
    return out


def member_counts_svg(clusters: Sequence[dict], lang: str, pid: str = "members") -> Markup:
    """A bar per cluster's stated total (see the module); a note where there is none."""
    _ = translator(lang).gettext
    row, bar_h, x0, width = 40, 14, 10.0, 640.0
    numbers = [
        v
        for c in clusters
        if c["total"]
        for v in (c["total"]["value"], c["total"]["min"], c["total"]["max"])
        if v is not None
    ]
    top = _nice_max(max(numbers, default=10))
    plot = 440.0
    scale = plot / top
    body = [_defs(pid)]
    y = 16.0
    axis_top = y
    lines = []
    for c in clusters:
        name = c["name"]
        body.append(_text(x0, y + 12, name["text"], lang=name["lang"], font_weight="600"))
        total = c["total"]
        if total and total["value"] is not None:
            body += _count_bar(pid, total, x0, y + 18, scale, bar_h)
            lines.append(f"{name['text']}: {total['short']}")
        else:
            note = (
                _("no total stated; counted by member type below")
                if c["breakdown"]
                else _("no number of members stated")
            )
            body.append(_text(x0, y + 30, note, fill=MUTED, font_style="italic"))
            lines.append(f"{name['text']}: {note}")
        y += row
    # The scale: a line every step, under the bars.
    step = next((s for s in (5, 10, 20, 25, 50, 100, 200, 250, 500) if top <= 6 * s), 1000)
    grid = []
    for tick in range(0, top + 1, step):
        x = x0 + tick * scale
        grid.append(
            _el("line", x1=float(x), y1=float(axis_top), x2=float(x), y2=float(y), stroke=GRID)
        )
        grid.append(_text(x, y + 14, str(tick), fill=MUTED, text_anchor="middle"))
    body[1:1] = grid
    legend_y = y + 32
    body += _legend(pid, x0, legend_y, lang)
    height = legend_y + 3 * 18 + 4
    desc = _(
        "Bars: the number of members of each cluster as the source states it. A count stated "
        "as more than a number is drawn as a lower bound open to the right; one stated as "
        "almost a number as an upper bound; a cluster with no stated total has no bar."
    )
    return _svg(
        pid,
        width,
        height,
        _("Members of each cluster, as stated"),
        desc + " " + "; ".join(lines) + ".",
        body,
    )


def composition_svg(cluster: dict, lang: str, pid: str = "composition") -> Markup | None:
    """The members of ONE cluster by type, as the source counts them (see the module); None when
    the source gives no breakdown."""
    parts = [p for p in cluster["breakdown"] if p.get("value") is not None]
    if not parts:
        return None
    _ = translator(lang).gettext
    top = _nice_max(max(max(p["value"], p.get("min") or 0, p.get("max") or 0) for p in parts))
    x0, plot, row, bar_h = 10.0, 400.0, 40, 14
    scale = plot / top
    body = [_defs(pid)]
    y = 8.0
    for part in parts:
        label = part["type_label"]
        # The source's wording (English), then the member type in the page's language.
        spans = _el("tspan", escape(part["stated"] or label["text"]), lang="en")
        if part["stated"] and label["text"]:
            spans += _el("tspan", escape(" · " + label["text"]), lang=label["lang"], fill=MUTED)
        body.append(_el("text", spans, x=float(x0), y=float(y + 12)))
        body += _count_bar(pid, part, x0, y + 18, scale, bar_h)
        y += row
    note = "" if cluster["total"] else _("The source states no total.")
    if note:
        body.append(_text(x0, y + 12, note, fill=MUTED, font_style="italic"))
        y += 18
    name = cluster["name"]["text"]
    desc = "; ".join(f"{p['stated'] or p['short']} ({p['type_label']['text']})" for p in parts)
    return _svg(
        pid,
        480.0,
        y + 6,
        _("Members of %(name)s by type, as stated") % {"name": name},
        desc + (". " + note if note else "."),
        body,
    )


# --- helices --------------------------------------------------------------------------------------


def helix_mix_svg(
    clusters: Sequence[dict], helices: Sequence[dict], lang: str, pid: str = "helices"
) -> Markup:
    """A row per cluster, a column per helix (`helices`: dicts with `iri` and `label`, in the
    model's order): a filled dot where one of the cluster's member types is of that helix."""
    _ = translator(lang).gettext
    name_w, col, row = 350.0, 112.0, 26
    head_lines = max((len(_wrap(h["label"]["text"], 12)) for h in helices), default=1)
    y0 = 8 + head_lines * 14 + 6
    body = []
    for i, helix in enumerate(helices):
        cx = name_w + col * i + col / 2
        for j, line in enumerate(_wrap(helix["label"]["text"], 12)):
            body.append(
                _text(
                    cx,
                    20 + j * 14,
                    line,
                    lang=helix["label"]["lang"],
                    text_anchor="middle",
                    font_weight="600",
                )
            )
    lines = []
    for r, cluster in enumerate(clusters):
        y = y0 + r * row
        if r % 2 == 0:
            body.append(
                _el(
                    "rect",
                    x="0",
                    y=float(y),
                    width=float(name_w + col * len(helices)),
                    height=float(row),
                    fill="#f4f4f4",
                )
            )
        name = cluster["name"]
        text = name["text"] if len(name["text"]) <= 52 else name["text"][:51] + "…"
        body.append(_text(6, y + 17, text, lang=name["lang"]))
        present = []
        for i, helix in enumerate(helices):
            cx, cy = name_w + col * i + col / 2, y + row / 2
            slug = helix["iri"].rsplit("/", 1)[-1]
            if helix["iri"] in cluster["helices"]:
                colour = HELIX_COLOURS.get(slug, BAR)
                body.append(
                    _el(
                        "circle",
                        cx=float(cx),
                        cy=float(cy),
                        r="7",
                        fill=colour,
                        class_="helix present",
                    )
                )
                present.append(helix["label"]["text"])
            else:
                body.append(
                    _el(
                        "circle",
                        cx=float(cx),
                        cy=float(cy),
                        r="4",
                        fill="none",
                        stroke="#aaaaaa",
                        class_="helix absent",
                    )
                )
        lines.append(f"{name['text']}: {', '.join(present) or '—'}")
    height = y0 + len(clusters) * row + 6
    desc = _(
        "A filled dot: the cluster names members of a kind that the curators class in that "
        "helix; an empty ring: none."
    )
    return _svg(
        pid,
        name_w + col * len(helices),
        height,
        _("The helices of each cluster's members"),
        desc + " " + "; ".join(lines) + ".",
        body,
    )


# --- network --------------------------------------------------------------------------------------

_ROLE_DASH = {"coordinator": None, "host-institution": "6 3", "partner": "2 3"}


def network_svg(clusters: Sequence[dict], lang: str, pid: str = "network") -> Markup:
    """Organisations with a role (left), clusters (middle), sectors (right), joined by lines: solid
    for a coordinator, dashed for a host institution, dotted for a partner; grey to a sector.
    Each column is ordered so that lines cross little: clusters by name, the others by the
    place of the clusters they join (then by name)."""
    _ = translator(lang).gettext
    col_w, gap, wrap = 210.0, 70.0, 30
    xs = (4.0, 4.0 + col_w + gap, 4.0 + 2 * (col_w + gap))
    orgs: dict[str, dict] = {}
    sectors: dict[str, dict] = {}
    for index, cluster in enumerate(clusters):
        for role in cluster["roles"]:
            entry = orgs.setdefault(role["iri"], {"label": role["label"], "at": []})
            entry["at"].append(index)
        for sector in cluster["sectors"]:
            entry = sectors.setdefault(sector["slug"], {"label": sector["label"], "at": []})
            entry["at"].append(index)

    def ordered(nodes: dict[str, dict]) -> list[str]:
        return sorted(
            nodes,
            key=lambda k: (sum(nodes[k]["at"]) / len(nodes[k]["at"]), nodes[k]["label"]["text"], k),
        )

    def boxes(keys: list[str], labels: list[dict], x: float) -> tuple[list[dict], float]:
        placed, y = [], 34.0
        for key, label in zip(keys, labels, strict=True):
            lines = _wrap(label["text"], wrap)
            h = 10 + 14 * len(lines)
            placed.append({"key": key, "label": label, "lines": lines, "x": x, "y": y, "h": h})
            y += h + 12
        return placed, y

    cluster_boxes, h1 = boxes([c["iri"] for c in clusters], [c["name"] for c in clusters], xs[1])
    org_keys, sector_keys = ordered(orgs), ordered(sectors)
    org_boxes, h0 = boxes(org_keys, [orgs[k]["label"] for k in org_keys], xs[0])
    sector_boxes, h2 = boxes(sector_keys, [sectors[k]["label"] for k in sector_keys], xs[2])
    height = max(h0, h1, h2) + 8
    # Shorter columns are centred against the tallest.
    for placed, h in ((org_boxes, h0), (cluster_boxes, h1), (sector_boxes, h2)):
        for box in placed:
            box["y"] += (height - 8 - h) / 2
    where = {("c", b["key"]): b for b in cluster_boxes}
    where |= {("o", b["key"]): b for b in org_boxes}
    where |= {("s", b["key"]): b for b in sector_boxes}

    body = []
    for x, heading in zip(
        xs, (_("Organisations with a role"), _("Clusters"), _("Sectors")), strict=True
    ):
        body.append(_text(x, 16, heading, font_weight="700"))
    edges = []
    lines = []
    roles_seen: dict[str, str] = {}
    for cluster in clusters:
        c = where[("c", cluster["iri"])]
        cy = c["y"] + c["h"] / 2
        for role in cluster["roles"]:
            o = where[("o", role["iri"])]
            for held in role["roles"]:
                kind, role_label = held["kind"], held["label"]
                roles_seen.setdefault(kind, role_label)
                edges.append(
                    _el(
                        "line",
                        x1=float(o["x"] + col_w),
                        y1=float(o["y"] + o["h"] / 2),
                        x2=float(c["x"]),
                        y2=float(cy),
                        stroke=INK,
                        stroke_width="1.5",
                        stroke_dasharray=_ROLE_DASH.get(kind),
                        class_=f"edge role {kind}",
                    )
                )
                lines.append(f"{role['label']['text']} → {cluster['name']['text']} ({role_label})")
        for sector in cluster["sectors"]:
            s = where[("s", sector["slug"])]
            edges.append(
                _el(
                    "line",
                    x1=float(c["x"] + col_w),
                    y1=float(cy),
                    x2=float(s["x"]),
                    y2=float(s["y"] + s["h"] / 2),
                    stroke="#999999",
                    class_="edge sector",
                )
            )
            lines.append(f"{cluster['name']['text']} → {sector['label']['text']}")
    body += edges
    fills = {"c": "#e8f0f8", "o": "#fdf1e2", "s": "#eef6ec"}
    for (kind, _key), box in sorted(where.items(), key=lambda i: (i[0][0], i[1]["y"])):
        body.append(
            _el(
                "rect",
                x=float(box["x"]),
                y=float(box["y"]),
                width=float(col_w),
                height=float(box["h"]),
                rx="4",
                fill=fills[kind],
                stroke="#8a8a8a",
                class_=f"node {kind}",
            )
        )
        for j, line in enumerate(box["lines"]):
            body.append(
                _text(box["x"] + 6, box["y"] + 17 + 14 * j, line, lang=box["label"]["lang"])
            )
    # The legend: the kinds of role drawn.
    legend_y = height + 8
    for i, (kind, role_label) in enumerate(sorted(roles_seen.items())):
        y = legend_y + i * 18
        body.append(
            _el(
                "line",
                x1=float(xs[0]),
                y1=float(y),
                x2=float(xs[0] + 30),
                y2=float(y),
                stroke=INK,
                stroke_width="1.5",
                stroke_dasharray=_ROLE_DASH.get(kind),
            )
        )
        body.append(_text(xs[0] + 38, y + 4, role_label, fill=MUTED))
    total_h = legend_y + len(roles_seen) * 18 + 4
    desc = _(
        "Lines join each cluster to the organisations with a role in it (coordinator, host "
        "institution or partner, as the source names them) and to the sectors it is tagged with."
    )
    return _svg(
        pid,
        xs[2] + col_w + 4,
        total_h,
        _("Clusters, their sectors and the organisations with a role in them"),
        desc + " " + "; ".join(lines) + ".",
        body,
    )
