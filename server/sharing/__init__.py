"""Data shared through the platform (集中式数据共享): requests, review, links and keys, scoped and masked data, audit."""
