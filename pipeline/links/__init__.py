"""Link monitoring: classify what the link-check spider saw, keep each link's state over time,
find moves and drift, and suggest archived copies (docs/links.md)."""
