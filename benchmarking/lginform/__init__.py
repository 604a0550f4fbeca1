"""LG Inform Plus, pulled on a schedule: the web API's client (`client.py`, no Django in it) and
the fetch that upserts its answers through the benchmark import's rules (`fetch.py`).

What the client relies on, and where it comes from:

- Documented by esd (developertools.esd.org.uk, help.esd.org.uk) and its published examples:
  the host `https://webservices.esd.org.uk`; the data method with `metricType`, `area` (ONS codes,
  comma-separated), `period` (`latest:N`), `value.valueType=raw`, `rowGrouping` and
  `columnGrouping`; its `.table` form answering a JSON array of flat records whose fields include
  `metricTypeIdentifier`, `areaIdentifier`, `areaLabel`, `periodIdentifier`, `periodLabel`,
  `value` and `formatted` (null where there is no figure); security by an application key
  (`ApplicationKey=`) alone, or with a `Signature=` made from the application secret (Base64 of
  the HMAC-SHA1 of the URL, decoded, ending in `ApplicationKey=KEY`); HTTP 401 "Not Authorized"
  for a bad key or signature, and HTTP 401 "User has exceeded allowed usage limits" when the
  organisation's daily or monthly allowance is used up.
- Inferred (not in the documentation held): how the data method pages a long answer — so the
  client pages itself, asking for at most `areas_per_request` areas at a time, which bounds each
  answer; HTTP 429 with `Retry-After`, 403 and 5xx answers, handled as HTTP says.
"""
