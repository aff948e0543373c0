"""Data intake: the one table reader and writer (:mod:`~socialmaturity.intake.tables`), survey
exports and their layouts (:mod:`~socialmaturity.intake.exports`), and the import into the tidy
table (:mod:`~socialmaturity.intake.importing`, :mod:`~socialmaturity.intake.planning`,
:mod:`~socialmaturity.intake.converting`)."""
