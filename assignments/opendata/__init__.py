"""The open data room: the CSV and JSON downloads, their Frictionless data package, the page
that describes them and the Atom feeds."""
