"""Personal data (PIPL): evidence retention, the evidence access log, self-export."""
