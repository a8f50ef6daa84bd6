# kvm-mmu-viz in Sphinx: `sphinx-build -b html docs/sphinx OUT` (e2e/docs-sites.spec.ts builds it
# with Debian's python3-sphinx and checks every widget draws).
import os
import sys

# The directive, kvm_mmu_viz.py, sits beside this file.
sys.path.insert(0, os.path.abspath(os.path.dirname(__file__)))

project = 'kvm-mmu-viz in Sphinx'
extensions = ['kvm_mmu_viz']
# The kvm-mmu-viz build (dist/: embed/, embed.html, index.html, assets/), from the site's root,
# or a full URL ending in "/". Every page loads <this>embed/kvm-mmu-viz.js.
kvm_mmu_viz_url = 'kvm-mmu-viz/'

root_doc = 'index'
exclude_patterns = []
html_theme = 'alabaster'
# Alabaster's default column (940 px) leaves a figure too little room.
html_theme_options = {'page_width': '1100px', 'sidebar_width': '200px'}
