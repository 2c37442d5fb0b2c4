"""Demo data: the real cases of domain §2 (``cases``) and a generator for large registers (``generate``)."""
