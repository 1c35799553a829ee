/* probabilistic.c: being written */
