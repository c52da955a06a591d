"""English study tools on the commentaries: key expressions under each quote, the glossary."""
