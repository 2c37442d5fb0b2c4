"""The DPF import: the Data Privacy Framework list matched to the register by name; near matches reviewed."""
