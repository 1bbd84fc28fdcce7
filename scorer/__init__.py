"""scorer: reads 法治政府建设年度报告 the way an evaluator does and scores them against a rubric."""

__version__ = "0.1.1"
