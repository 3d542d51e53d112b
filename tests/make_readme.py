"""Write README.md from nbs/index.ipynb, without Quarto.

nbdev's own `nbdev_readme` renders the home page with Quarto, which is not always installable. This script
renders the same notebook to GitHub markdown: markdown cells as they are, code cells as fenced Python with
their stored text outputs, and cells marked `#| hide` (or `#| include: false`) left out.
Run `python tests/make_readme.py` after editing `nbs/index.ipynb`; `tests/test_readme.py` checks they agree.
"""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / 'nbs' / 'index.ipynb'
README = ROOT / 'README.md'
BANNER = '<!-- This file is generated from nbs/index.ipynb by tests/make_readme.py: edit the notebook, not this file. -->'


def _directives(source):
    "The `#| key: value` directives at the top of a code cell, and the code without them."
    lines, opts = source.splitlines(), {}
    while lines and lines[0].startswith('#|'):
        key, _, value = lines.pop(0)[2:].strip().partition(':')
        key, _, rest = key.partition(' ')  # `#| hide` and `#| export` take no colon
        opts[key.strip()] = (value or rest).strip()
    return opts, '\n'.join(lines).strip('\n')


def _outputs(cell):
    "The stored outputs of a code cell as markdown: text in plain fences, markdown inline."
    parts, previous = [], None
    for out in cell.get('outputs', []):
        if out['output_type'] == 'stream' and out.get('name') == 'stdout':
            text = ''.join(out['text'])
            if previous == 'stdout':  # consecutive prints form one block
                parts[-1] = parts[-1][:-len('\n```')] + '\n' + text.rstrip('\n') + '\n```'
                continue
            previous = 'stdout'
        elif out['output_type'] in ('execute_result', 'display_data'):
            previous = None
            data = out.get('data', {})
            if 'text/markdown' in data:
                parts.append(''.join(data['text/markdown']).strip())
                continue
            if 'text/plain' not in data or any(k.startswith('image/') for k in data): continue
            text = ''.join(data['text/plain'])
        else:
            continue
        parts.append('```\n' + text.rstrip('\n') + '\n```')
    return parts


def render(notebook=NOTEBOOK):
    "README markdown for `notebook`."
    nb = json.loads(Path(notebook).read_text(encoding='utf-8'))
    blocks = []
    for cell in nb['cells']:
        source = ''.join(cell['source'])
        if cell['cell_type'] == 'markdown':
            blocks.append(source.strip())
            continue
        if cell['cell_type'] != 'code': continue
        opts, code = _directives(source)
        if 'hide' in opts or opts.get('include') == 'false' or 'default_exp' in opts: continue
        if code and opts.get('echo') != 'false': blocks.append('```python\n' + code + '\n```')
        if opts.get('output') != 'false': blocks.extend(_outputs(cell))
    if blocks and blocks[0].startswith('# '):  # the banner goes under the title, as nbdev puts it
        title, _, rest = blocks[0].partition('\n')
        blocks[0:1] = [title, BANNER] + ([rest.strip()] if rest.strip() else [])
    else:
        blocks.insert(0, BANNER)
    return '\n\n'.join(b for b in blocks if b) + '\n'


if __name__ == '__main__':
    README.write_text(render(), encoding='utf-8')
    print(f'wrote {README.relative_to(ROOT)} from {NOTEBOOK.relative_to(ROOT)}', file=sys.stderr)
