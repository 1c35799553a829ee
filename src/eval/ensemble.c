/* ensemble.c: being written */
