"""The embedded emulator of the SendKit, lemlist and Puffle APIs.

A second, independent reading of the vendors' docs: nothing here imports from the client side
of the package (only the standard library), so a test where client and sandbox agree means two
readings of the docs agree.
"""
