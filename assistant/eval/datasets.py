"""Evaluation datasets in SQL: named sets of rows (question + references), edited by staff,
imported from / exported to JSONL or CSV (assistant/eval/dataset_io.py), and grown from reviewed
answers (``promote``).

Returned ORM objects are detached (the sessionmaker does not expire on commit), so their
attributes can be read after the call. Deleting a row also deletes its results in earlier runs
(the foreign key cascades); the summaries stored on those runs keep their values.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from assistant.errors import InvalidRequest, NotFound
from assistant.eval import dataset_io
from assistant.store.models import AnswerRecord, EvalDataset, EvalResult, EvalRowRecord, EvalRun, utcnow


def _invalid(exc: ValueError) -> InvalidRequest:
    message = str(exc)
    return InvalidRequest(message[0].upper() + message[1:] + ".")


class DatasetStore:
    def __init__(self, sessions: sessionmaker):
        self.sessions = sessions

    # --- datasets -----------------------------------------------------------------------------
    def create(self, name: str, description: str = "") -> EvalDataset:
        name = (name or "").strip()
        if not name:
            raise InvalidRequest("The dataset name is empty.")
        if len(name) > 200:
            raise InvalidRequest("The dataset name is longer than 200 characters.")
        try:
            with self.sessions.begin() as session:
                if session.scalar(select(EvalDataset).where(EvalDataset.name == name)) is not None:
                    raise InvalidRequest(f"A dataset named '{name}' already exists.")
                dataset = EvalDataset(name=name, description=(description or "").strip())
                session.add(dataset)
        except IntegrityError as exc:  # a concurrent create with the same name
            raise InvalidRequest(f"A dataset named '{name}' already exists.") from exc
        return dataset

    def list(self) -> list[dict[str, Any]]:
        """Every dataset: id, name, description, rows (count), created_at (ISO 8601), newest first."""
        count = func.count(EvalRowRecord.id)
        query = (
            select(EvalDataset, count)
            .outerjoin(EvalRowRecord, EvalRowRecord.dataset_id == EvalDataset.id)
            .group_by(EvalDataset.id)
            .order_by(EvalDataset.created_at.desc(), EvalDataset.name)
        )
        with self.sessions() as session:
            return [
                {
                    "id": d.id,
                    "name": d.name,
                    "description": d.description,
                    "rows": n,
                    "created_at": d.created_at.isoformat() if d.created_at else None,
                }
                for d, n in session.execute(query)
            ]

    def get(self, dataset_id_or_name: str) -> EvalDataset:
        with self.sessions() as session:
            return self._get(session, dataset_id_or_name)

    @staticmethod
    def _get(session: Session, key: str) -> EvalDataset:
        dataset = session.get(EvalDataset, key) if key else None
        if dataset is None and key:
            dataset = session.scalar(select(EvalDataset).where(EvalDataset.name == key.strip()))
        if dataset is None:
            raise NotFound(f"No evaluation dataset with id or name '{str(key)[:200]}'.")
        return dataset

    # --- rows ---------------------------------------------------------------------------------
    def rows(self, dataset_id: str) -> list[EvalRowRecord]:
        with self.sessions() as session:
            dataset = self._get(session, dataset_id)
            return list(
                session.scalars(
                    select(EvalRowRecord)
                    .where(EvalRowRecord.dataset_id == dataset.id)
                    .order_by(EvalRowRecord.created_at, EvalRowRecord.external_id)
                )
            )

    def rows_page(self, dataset_id: str, page: int, per_page: int) -> tuple[list[EvalRowRecord], int]:
        """One page of a dataset's rows (in ``rows`` order) and the dataset's row count."""
        with self.sessions() as session:
            dataset = self._get(session, dataset_id)
            total = session.scalar(
                select(func.count(EvalRowRecord.id)).where(EvalRowRecord.dataset_id == dataset.id)
            )
            rows = session.scalars(
                select(EvalRowRecord)
                .where(EvalRowRecord.dataset_id == dataset.id)
                .order_by(EvalRowRecord.created_at, EvalRowRecord.external_id, EvalRowRecord.id)
                .offset((page - 1) * per_page)
                .limit(per_page)
            )
            return list(rows), int(total or 0)

    def row_position(self, dataset_id: str, row_id: str) -> int:
        """0-based position of a row in ``rows`` order (to link to its page)."""
        with self.sessions() as session:
            row = self._get_row(session, row_id)
            return int(
                session.scalar(
                    select(func.count(EvalRowRecord.id)).where(
                        EvalRowRecord.dataset_id == dataset_id,
                        (EvalRowRecord.created_at < row.created_at)
                        | (
                            (EvalRowRecord.created_at == row.created_at)
                            & (EvalRowRecord.external_id < row.external_id)
                        ),
                    )
                )
                or 0
            )

    def get_row(self, row_id: str) -> EvalRowRecord:
        with self.sessions() as session:
            return self._get_row(session, row_id)

    @staticmethod
    def _get_row(session: Session, row_id: str) -> EvalRowRecord:
        row = session.get(EvalRowRecord, row_id) if row_id else None
        if row is None:
            raise NotFound(f"No evaluation row with id '{str(row_id)[:64]}'.")
        return row

    def add_row(
        self,
        dataset_id: str,
        *,
        question: str,
        reference_answer: str = "",
        reference_chunk_ids=(),
        reference_document_ids=(),
        answerable: bool = True,
        tags=(),
        key_facts=(),
        evidence: str = "",
        external_id: str = "",
        source_answer_id: str | None = None,
    ) -> EvalRowRecord:
        fields = dict(
            question=question,
            reference_answer=reference_answer,
            reference_chunk_ids=reference_chunk_ids,
            reference_document_ids=reference_document_ids,
            answerable=answerable,
            tags=tags,
            key_facts=key_facts,
            evidence=evidence,
            external_id=external_id,
            source_answer_id=source_answer_id,
        )
        try:
            fields = dataset_io.clean_fields(fields)
        except ValueError as exc:
            raise _invalid(exc) from exc
        with self.sessions.begin() as session:
            dataset = self._get(session, dataset_id)
            self._check_answer(session, fields.get("source_answer_id"))
            self._check_external_ids(session, dataset.id, [fields["external_id"]])
            row = EvalRowRecord(dataset_id=dataset.id, **fields)
            session.add(row)
        return row

    def update_row(self, row_id: str, **fields: Any) -> EvalRowRecord:
        try:
            fields = dataset_io.clean_fields(fields, partial=True)
        except ValueError as exc:
            raise _invalid(exc) from exc
        with self.sessions.begin() as session:
            row = self._get_row(session, row_id)
            if "source_answer_id" in fields:
                self._check_answer(session, fields["source_answer_id"])
            if fields.get("external_id") and fields["external_id"] != row.external_id:
                self._check_external_ids(session, row.dataset_id, [fields["external_id"]])
            for name, value in fields.items():
                setattr(row, name, value)
        return row

    def delete(self, dataset_id: str, *, confirm_name: str) -> dict[str, int]:
        """Delete a dataset with its rows, runs and results; ``confirm_name`` must repeat its name.
        Refused while one of its runs is queued or running. Returns what was deleted."""
        with self.sessions.begin() as session:
            dataset = self._get(session, dataset_id)
            if (confirm_name or "").strip() != dataset.name:
                raise InvalidRequest(
                    f"Type the dataset's name exactly ('{dataset.name}') to confirm; nothing was deleted."
                )
            active = session.scalar(
                select(func.count(EvalRun.id)).where(
                    EvalRun.dataset_id == dataset.id, EvalRun.status.in_(("queued", "running"))
                )
            )
            if active:
                raise InvalidRequest(
                    "A run of this dataset is still in progress; wait for it to finish, then delete."
                )
            runs = select(EvalRun.id).where(EvalRun.dataset_id == dataset.id)
            counts = {
                "results": session.execute(delete(EvalResult).where(EvalResult.run_id.in_(runs))).rowcount,
                "runs": session.execute(delete(EvalRun).where(EvalRun.dataset_id == dataset.id)).rowcount,
                "rows": session.execute(
                    delete(EvalRowRecord).where(EvalRowRecord.dataset_id == dataset.id)
                ).rowcount,
            }
            session.delete(dataset)
        return counts

    def delete_row(self, row_id: str) -> None:
        with self.sessions.begin() as session:
            session.delete(self._get_row(session, row_id))

    @staticmethod
    def _check_answer(session: Session, answer_id: str | None) -> None:
        if answer_id and session.get(AnswerRecord, answer_id) is None:
            raise NotFound(f"No answer with id '{answer_id[:64]}'.")

    @staticmethod
    def _check_external_ids(session: Session, dataset_id: str, external_ids: list[str]) -> None:
        wanted = [e for e in external_ids if e]
        if not wanted:
            return
        taken = session.scalars(
            select(EvalRowRecord.external_id).where(
                EvalRowRecord.dataset_id == dataset_id, EvalRowRecord.external_id.in_(wanted)
            )
        ).all()
        if taken:
            raise InvalidRequest(
                f"The dataset already has rows with id(s) {', '.join(sorted(set(taken))[:10])}."
            )

    # --- files --------------------------------------------------------------------------------
    def import_rows(self, dataset_id: str, text: str, fmt: str) -> int:
        """Append the rows of a JSONL or CSV text; all or nothing. Returns the number of rows added.
        A ``source_answer_id`` naming an answer this database does not hold is dropped."""
        rows = dataset_io.parse(text, fmt)
        with self.sessions.begin() as session:
            dataset = self._get(session, dataset_id)
            self._check_external_ids(session, dataset.id, [r.get("external_id", "") for r in rows])
            start = utcnow()
            for i, fields in enumerate(rows):
                answer_id = fields.get("source_answer_id")
                if answer_id and session.get(AnswerRecord, answer_id) is None:
                    fields["source_answer_id"] = None
                # distinct timestamps keep the file order when rows are listed
                session.add(
                    EvalRowRecord(
                        dataset_id=dataset.id, created_at=start + timedelta(microseconds=i), **fields
                    )
                )
        return len(rows)

    def export(self, dataset_id: str, fmt: str) -> str:
        return dataset_io.serialize(self.rows(dataset_id), dataset_io.check_format(fmt))

    def same_content(self, dataset_id: str, text: str, fmt: str) -> bool:
        """Whether the dataset holds exactly the rows of the file (order included)."""
        try:
            wanted = dataset_io.serialize(dataset_io.parse(text, fmt), "jsonl")
        except InvalidRequest:
            return False
        return self.export(dataset_id, "jsonl") == wanted

    # --- reviewed answers ---------------------------------------------------------------------
    def promote(
        self,
        answer_id: str,
        *,
        dataset_id: str,
        reference_answer: str,
        reference_chunk_ids=(),
        answerable: bool = True,
        tags=(),
        reference_document_ids=None,
        key_facts=(),
        evidence: str = "",
    ) -> EvalRowRecord:
        """A dataset row from a reviewed answer. The question is the standalone question the
        assistant answered (the user's words, or their rewrite when it was a follow-up, since a row
        is asked without the conversation). Reference documents, unless given, are those of the
        answer's citations whose chunks are among ``reference_chunk_ids``."""
        with self.sessions() as session:
            record = session.get(AnswerRecord, answer_id) if answer_id else None
            if record is None:
                raise NotFound(f"No answer with id '{str(answer_id)[:64]}'.")
            dataset = self._get(session, dataset_id)
            already = session.scalar(
                select(EvalRowRecord.id).where(
                    EvalRowRecord.dataset_id == dataset.id, EvalRowRecord.source_answer_id == record.id
                )
            )
            if already:
                raise InvalidRequest(f"This answer is already in the dataset '{dataset.name}'.")
        chunk_ids = list(reference_chunk_ids or ())
        if reference_document_ids is None:
            documents = [
                c.get("document_id") for c in record.citations or [] if c.get("chunk_id") in chunk_ids
            ]
            reference_document_ids = [d for i, d in enumerate(documents) if d and d not in documents[:i]]
        return self.add_row(
            dataset.id,
            question=record.standalone_question or record.question,
            reference_answer=reference_answer,
            reference_chunk_ids=chunk_ids,
            reference_document_ids=reference_document_ids,
            answerable=answerable,
            tags=tags,
            key_facts=key_facts,
            evidence=evidence,
            source_answer_id=record.id,
        )
