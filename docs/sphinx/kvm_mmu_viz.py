"""kvm-mmu-viz for Sphinx: a ``.. kvm-mmu-viz::`` directive that draws a live figure.

A preset, at a step, in some views::

    .. kvm-mmu-viz::
       :preset: guest-fork
       :step: 12
       :views: chain,tree

or a scenario document written in the page (``kvm-mmu-scenario/1`` JSON)::

    .. kvm-mmu-viz::
       :step: 3

       { "format": "kvm-mmu-scenario/1", "ops": [{ "op": "add", "head": 0, "spte": 1 }] }

Other options: ``:controls: full|minimal|none``, ``:theme: light|dark|auto``, ``:autoplay:``.
The HTML builders write a ``<kvm-mmu-viz>`` element (its content is what a reader without
JavaScript sees); the others (LaTeX, man, text) a sentence saying what the figure shows.

In conf.py, with this file's folder on ``sys.path``::

    extensions = ['kvm_mmu_viz']
    kvm_mmu_viz_url = 'kvm-mmu-viz/'   # the kvm-mmu-viz build (dist/), from the site's root,
                                       # or a full URL ending in /

Every page then loads the element's script, ``<kvm_mmu_viz_url>embed/kvm-mmu-viz.js``.
"""

import html
import json

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.errors import ConfigError
from sphinx.util.docutils import SphinxDirective

VIEWS = ('chain', 'tree', 'caches', 'stats', 'eras')
# The app's own limit on a document's text (src/scenario/limits.ts).
MAX_SCENARIO_CHARS = 4 * 1024 * 1024

# Each kvm-mmu-viz iframe says how tall its content is: fit the frame to it (src/embed/messages.ts).
FRAME_SIZER = """
window.addEventListener('message', (e) => {
  if (e.data?.type !== 'kvm-mmu-viz:height' || !Number.isFinite(e.data.height)) return;
  for (const f of document.querySelectorAll('iframe.kvm-mmu-viz-frame')) {
    if (f.contentWindow !== e.source) continue;
    // A border-box frame (as many themes make every element) also holds its borders.
    const borders = getComputedStyle(f).boxSizing === 'border-box' ? f.offsetHeight - f.clientHeight : 0;
    f.style.height = `${Math.ceil(e.data.height) + borders}px`;
  }
});
"""


class kvm_mmu_viz(nodes.General, nodes.Element):
    """One figure: ``attributes`` (the element's, as strings) and ``scenario`` (JSON text)."""


def views_option(argument):
    views = [v.strip() for v in (argument or '').split(',') if v.strip()]
    if not views:
        raise ValueError('give one or more of ' + ', '.join(VIEWS))
    for v in views:
        if v not in VIEWS:
            raise ValueError(f'"{v}" is not a view: one or more of ' + ', '.join(VIEWS))
    return ','.join(views)


class KvmMmuVizDirective(SphinxDirective):
    has_content = True
    option_spec = {
        'preset': directives.unchanged_required,
        'step': directives.nonnegative_int,
        'views': views_option,
        'controls': lambda a: directives.choice(a, ('full', 'minimal', 'none')),
        'theme': lambda a: directives.choice(a, ('light', 'dark', 'auto')),
        'autoplay': directives.flag,
    }

    def run(self):
        preset = self.options.get('preset', '').strip()
        text = '\n'.join(self.content).strip()
        if preset and text:
            raise self.error('kvm-mmu-viz: give a :preset: or a scenario document, not both')
        if not preset and not text:
            raise self.error('kvm-mmu-viz: give a :preset: or a scenario document as content')
        if len(text) > MAX_SCENARIO_CHARS:
            raise self.error(
                f'kvm-mmu-viz: the scenario is {len(text)} characters; the limit is '
                f'{MAX_SCENARIO_CHARS}'
            )
        if text:
            self.check_json(text)

        node = kvm_mmu_viz()
        attributes = {}
        if preset:
            attributes['preset'] = preset
        if 'step' in self.options:
            attributes['step'] = str(self.options['step'])
        for name in ('views', 'controls', 'theme'):
            if name in self.options:
                attributes[name] = self.options[name]
        if 'autoplay' in self.options:
            attributes['autoplay'] = ''
        node['attributes'] = attributes
        node['scenario'] = text
        self.set_source_info(node)
        return [node]

    def check_json(self, text):
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as e:
            # The line in the .rst file, not in the content: that is where a writer looks.
            first = next(i for i, line in enumerate(self.content) if line.strip())
            line = self.content_offset + first + e.lineno
            raise self.error(
                f'kvm-mmu-viz: the scenario is not JSON: {e.msg} (line {line}, column {e.colno})'
            )
        if not isinstance(doc, dict):
            raise self.error('kvm-mmu-viz: the scenario must be a JSON object '
                             '({ "format": "kvm-mmu-scenario/1", ... })')


def describe(node, where='drawn with JavaScript'):
    """What the figure shows, in words: the element's fallback, and the non-HTML builders' text."""
    a = node['attributes']
    what = f'the preset {a["preset"]}' if 'preset' in a else 'a scenario written in the page'
    step = f' at step {a["step"]}' if 'step' in a else ''
    views = a.get('views', 'chain')
    return f'kvm-mmu-viz figure: {what}{step}, {views} view ({where}).'


def visit_html(self, node):
    attrs = ''.join(f' {k}="{html.escape(v, quote=True)}"' for k, v in node['attributes'].items())
    self.body.append(f'<kvm-mmu-viz{attrs}>')
    if node['scenario']:
        # `<` escaped so that no `</script>` inside a JSON string ends the block (JSON reads
        # \u003c back as `<`).
        inline = node['scenario'].replace('<', '\\u003c')
        self.body.append(f'<script type="application/json">{inline}</script>')
    self.body.append(f'<p>{html.escape(describe(node))}</p></kvm-mmu-viz>\n')
    raise nodes.SkipNode


def replace_outside_html(app, doctree, _docname):
    """LaTeX, man pages and text get a sentence (`npm run export` draws a picture for them)."""
    if app.builder.format == 'html':
        return
    for node in list(doctree.findall(kvm_mmu_viz)):
        node.replace_self(nodes.paragraph(text=describe(node, 'live in the HTML documentation')))


def add_scripts(app):
    url = app.config.kvm_mmu_viz_url
    if not url.endswith('/'):
        raise ConfigError(f'kvm_mmu_viz_url must end with "/" (it is "{url}")')
    script = url + 'embed/kvm-mmu-viz.js'
    # add_js_file puts a relative name under _static/: go back up to the site's root.
    app.add_js_file(script if '://' in script else '../' + script, type='module')
    app.add_js_file(None, body=FRAME_SIZER)


def setup(app):
    app.add_config_value('kvm_mmu_viz_url', 'kvm-mmu-viz/', 'html', [str])
    app.add_node(kvm_mmu_viz, html=(visit_html, None))
    app.add_directive('kvm-mmu-viz', KvmMmuVizDirective)
    app.connect('builder-inited', add_scripts)
    app.connect('doctree-resolved', replace_outside_html)
    return {'version': '1', 'parallel_read_safe': True, 'parallel_write_safe': True}
