"""The sub-processor import: a vendor's list read, compared with the register, and applied as a whole."""
