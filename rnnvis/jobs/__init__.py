"""Jobs: training and evaluation runs queued from the browser, each in its own process.

``kinds`` declares what a job can be (train, evaluate, train-evaluate) with its parameters;
``store`` keeps the queue and every job's status, progress and timings in SQLite under
``$RNNVIS_HOME/jobs/``; ``queue`` checks a job before it is queued and cancels or resumes it;
``runner`` starts the queued jobs in order, one process each, and supervises them; ``worker``
is that process; ``progress`` and ``logs`` carry what it reports.
"""
