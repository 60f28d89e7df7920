"""Every number of the policy, as cited data, and the arithmetic on it.

* ``rules/parameters/*.yaml``: one file per item; each rate, cap, threshold and
  duration with its clause, description, unit and verbatim ``reference``.
  ``parameters/provisions/`` holds the non-monetary articles (八, 十八, 十九, 二十).
* ``rules.engine``: ``list_items``, ``get_item``, ``compute``, ``match``,
  ``list_provisions``, ``get_provision``.
* ``rules.items``: one small function per item.
* ``rules.tool``: LangChain tools; ``rules.cli``: ``python -m assistant calc``.
"""
