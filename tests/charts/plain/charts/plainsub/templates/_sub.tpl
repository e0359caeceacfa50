# partial
