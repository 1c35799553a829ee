/* backtest.c: being written */
