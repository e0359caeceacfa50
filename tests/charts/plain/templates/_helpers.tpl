# A partial: never printed.
kind: Ignored
