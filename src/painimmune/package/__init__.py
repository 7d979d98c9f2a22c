"""The trust boundary: the only code that opens the files of a data package.

A package handed to painimmune (a contributor's copy, a release zip from somewhere, the installed
data) is read through this subpackage, which refuses, with a message naming the file, whatever could
make reading it unsafe: paths or links leading outside the package, files that are not regular
files, remote references, files over the size limits, duplicate JSON keys, JSON nested too deeply,
and descriptors or Table Schemas whose structure is not what the code that uses them expects.

- :mod:`.locate`: where the package is;
- :mod:`.files`: opening a file of the package safely (inside it, regular, within its size limit);
- :mod:`.jsonfile`: JSON without duplicate keys or excessive depth;
- :mod:`.structure`: the structure of the descriptor and of every Table Schema, checked before use;
- :mod:`.descriptor`: :class:`DataPackage`, the package as its descriptor and schemas describe it;
- :mod:`.integrity`: the hashes a package records of its files, and their checks;
- :mod:`.csvio`: the package's one CSV dialect;
- :mod:`.schemas`: facts read from a (checked) Table Schema;
- :mod:`.composition`: Table Schemas composed from the fields their role shares;
- :mod:`.reference`: the verified ontology tables of ``reference/ontologies``;
- :mod:`.zipped`: a release zip, judged from its central directory, then extracted within limits;
- :mod:`.extracted`: where the extracted copy of a zip lives, and for how long.
"""
