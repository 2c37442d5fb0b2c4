"""Demo data: the real cases of DESIGN §2 (``cases``) and a generator for large registers (``generate``)."""
