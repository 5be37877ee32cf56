"""RQ job entry points: plain functions taking ids, each a few lines calling `flows`."""
