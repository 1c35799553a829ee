/* trading.c: being written */
