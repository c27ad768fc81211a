"""vCard 3.0 / 4.0 for CardDAV: a contact rendered as a card (writing.py), and a phone's card
read back (reading.py), both in content lines (syntax.py), with the dates they carry (dates.py).

Written with content lines rather than vobject: a phone's properties the CRM has no field for
must go back to the phone byte for byte (unfolded), which a parse-and-reserialise round trip
does not promise. Escaping and folding follow RFC 6350 §3.2–3.4 (RFC 2426 for 3.0).
"""
