"""Native adapters of the filter hook, one module per engine; each imports its library only when imported.

``hf_datasets`` (Hugging Face ``datasets``), ``datatrove`` (a ``BaseFilter``), ``ray_data`` (a callable class for
``Dataset.map_batches``) and ``dolma`` (a tagger). All call ``FilterHook.score_and_decide``.
"""
