"""Insert a new object by plain INSERT statements, then hand it to the session as loaded.

The unit of work's flush is general: it sorts every pending object, works out each one's
dependencies and history, and is built to write many objects at once. A use case that
creates one ticket with its first event pays that for three rows, and on the escort
submit it was a third of all the CPU the request cost (docs/performance.md). `insert_new`
writes the same rows the flush would write, with the same values:

- the mapper's `before_insert` and `after_insert` hooks run (the confidential ids of
  app.models.tickets);
- the many-to-one objects it refers to give their keys, and the one-to-many children it
  holds (a ticket's first event) are inserted with its key;
- every column without a value gets its default (computed here, so the value is known
  without reading it back), or NULL, and the version counter its first value;
- on PostgreSQL all the rows go in one statement (data-modifying WITH clauses, each row
  taking its key from the row it belongs to): one round trip where the flush sent three,
  and a third of the CPU; elsewhere one INSERT per row;
- then the object and its children join the session as persistent and fully loaded, so
  nothing is read again and a later change in the same transaction is a normal
  (versioned) UPDATE.

An object already in a session is refused, never written half; so is a model it cannot
write as the flush would (a composite primary key, a default that reads the statement's
context), before any statement is sent.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

from sqlalchemy import bindparam, inspect, text
from sqlalchemy.orm import MANYTOMANY, MANYTOONE, ONETOMANY, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db


@dataclass
class _Row:
    """One row to insert: `values` by column, `keyed` the columns that take the key of the
    row at index `source` (a subclass row, a child's foreign key)."""

    obj: object
    mapper: object
    table: object
    values: dict
    keyed: tuple = ()
    source: int | None = None
    key: object = None
    links: list = field(default_factory=list)  # many-to-many collections, linked after


def insert_new(obj: object) -> None:
    """INSERT `obj` (transient) and the new children in its collections, in the current
    transaction; afterwards it is persistent in the session, as if flushed and loaded."""
    connection = db.session.connection()
    rows: list[_Row] = []
    _plan(obj, connection, rows)
    if connection.dialect.name == "postgresql":
        _insert_in_one_statement(rows, connection)
    else:
        _insert_row_by_row(rows, connection)
    firsts = [row for row in rows if row.source is None or row.obj is not rows[row.source].obj]
    for row in rows:
        _mark_written(row)
    for row in firsts:  # one per object
        row.mapper.dispatch.after_insert(row.mapper, connection, inspect(row.obj))
        for prop in row.links:
            _link(row.obj, prop, connection)
    for row in reversed(firsts):  # children first: attaching `obj` cascades to them
        make_transient_to_detached(row.obj)
    db.session.add(obj)


def _plan(obj: object, connection, rows: list[_Row], parent: tuple = ()) -> None:
    """Append `obj`'s rows (base table first) and then its children's to `rows`; `parent`
    is (index of the parent's first row, [(parent column, own column)])."""
    state = inspect(obj)
    if state.session_id is not None or state.key is not None:
        raise ValueError(f"{obj!r} is not new: insert_new takes a transient object")
    mapper = state.mapper
    _check_writable(mapper)
    _take_keys_of_parents(mapper, obj, skip=parent[1] if parent else ())
    mapper.dispatch.before_insert(mapper, connection, state)
    first = len(rows)
    for table in _tables(mapper):
        if len(rows) == first:
            keyed = tuple(own.key for _, own in parent[1]) if parent else ()
            source = parent[0] if parent else None
        else:  # a subclass row: its key is the base row's
            keyed, source = tuple(c.key for c in table.primary_key), first
        values = {column.key: value for column in table.columns if column.key not in keyed
                  and (value := _value(state, mapper, column)) is not _DEFAULT}
        rows.append(_Row(obj, mapper, table, values, keyed, source))
    for prop in mapper.relationships:
        if prop.direction is ONETOMANY and prop.key in state.dict:
            for child in state.dict[prop.key] or ():
                _plan(child, connection, rows, (first, prop.synchronize_pairs))
        elif prop.direction is MANYTOMANY and state.dict.get(prop.key):
            rows[first].links.append(prop)


def _value(state, mapper, column):
    """The object's value for `column`, else the column's Python default, else NULL;
    _DEFAULT for a key the database gives or a default only the database knows."""
    value = state.dict.get(mapper.get_property_by_column(column).key)
    if value is not None:
        return value
    if mapper.version_id_col is not None and column is mapper.version_id_col:
        return mapper.version_id_generator(None)
    default = column.default
    if default is not None and default.is_scalar:
        return default.arg
    if default is not None and default.is_callable:
        return default.arg(None)  # takes no context (_check_writable): utcnow
    if column.primary_key or default is not None or column.server_default is not None:
        return _DEFAULT
    return None


_DEFAULT = object()


def _insert_in_one_statement(rows: list[_Row], connection) -> None:
    shape = tuple((row.table, tuple(row.values), row.keyed, row.source) for row in rows)
    statement, returning = _one_statement(shape, connection.dialect.identifier_preparer)
    params = {f"r{i}_{n}": value for i, row in enumerate(rows)
              for n, value in enumerate(row.values.values())}
    keys = connection.execute(statement, params).one()
    for i, key in zip(returning, keys, strict=True):
        rows[i].key = key
    for row in rows:
        _take_source_key(row, rows)


@functools.lru_cache(maxsize=64)
def _one_statement(shape: tuple, quote) -> tuple:
    """WITH r0 AS (INSERT ... RETURNING id), r1 AS (INSERT ... SELECT r0.id, ... FROM r0),
    ... SELECT r0.id, ...: the statement for rows of this shape, and the rows whose key it
    returns (the first row's, and each whose key the database gives). Only names from the
    tables' metadata, quoted by the dialect, and placeholders go into the text: the values
    are bound parameters."""
    parts, binds, returning = [], [], []
    for i, (table, columns, keyed, source) in enumerate(shape):
        names = ", ".join(quote.quote(table.c[key].name) for key in (*keyed, *columns))
        values = [f":r{i}_{n}" for n in range(len(columns))]
        binds += [bindparam(f"r{i}_{n}", type_=table.c[key].type)
                  for n, key in enumerate(columns)]
        if source is None:
            body = f"VALUES ({', '.join(values)})"
        else:
            taken = [f"r{source}.{_key_name(shape[source][0], quote)}"] * len(keyed)
            body = f"SELECT {', '.join(taken + values)} FROM r{source}"  # noqa: S608
        [pk] = table.primary_key
        returns = source is None or (pk.key not in columns and pk.key not in keyed)
        if returns:
            returning.append(i)
        parts.append(f"r{i} AS (INSERT INTO {quote.format_table(table)} ({names}) {body}"
                     f"{f' RETURNING {_key_name(table, quote)}' if returns else ''})")
    keys = ", ".join(f"r{i}.{_key_name(shape[i][0], quote)}" for i in returning)
    sources = ", ".join(f"r{i}" for i in returning)
    sql = f"WITH {', '.join(parts)} SELECT {keys} FROM {sources}"  # noqa: S608 (names only)
    return text(sql).bindparams(*binds), tuple(returning)


def _key_name(table, quote) -> str:
    return quote.quote(table.primary_key.columns[0].name)


def _insert_row_by_row(rows: list[_Row], connection) -> None:
    for row in rows:
        _take_source_key(row, rows)
        result = connection.execute(_statement(row.table), row.values)
        [row.key] = result.inserted_primary_key


def _take_source_key(row: _Row, rows: list[_Row]) -> None:
    """Fill the row's keyed columns with its source row's key; a row whose own key is among
    its values (a subclass row, a DV ticket's id) has that key."""
    if row.source is not None:
        row.values.update({key: rows[row.source].key for key in row.keyed})
    if row.key is None:
        [pk] = row.table.primary_key
        row.key = row.values.get(pk.key)


def _mark_written(row: _Row) -> None:
    """Set on the object every value its row holds, as loaded; a column whose default only
    the database knows is left to be read when first used."""
    state = inspect(row.obj)
    [pk] = row.table.primary_key
    written = {**row.values, pk.key: row.key}
    for column in row.table.columns:
        key = row.mapper.get_property_by_column(column).key
        if column.key in written:
            set_committed_value(row.obj, key, written[column.key])
        elif column.key not in row.keyed:
            state.dict.pop(key, None)


def _take_keys_of_parents(mapper, obj: object, skip=()) -> None:
    """Copy into `obj`'s foreign key columns the keys of the objects its many-to-one
    relationships were given (the flush's sync step), except the columns in `skip` (those
    of the parent being inserted with it). A parent still pending in the session is
    flushed first, to give it its key; the session is not flushed otherwise, so what the
    use case changed so far is written at its commit, as before."""
    state = inspect(obj)
    skipped = {own.key for _, own in skip}
    for prop in mapper.relationships:
        if prop.direction is not MANYTOONE or state.dict.get(prop.key) is None:
            continue
        for parent_column, own_column in prop.synchronize_pairs:
            if own_column.key not in skipped:
                setattr(obj, mapper.get_property_by_column(own_column).key,
                        _key_of(state.dict[prop.key], prop.mapper, parent_column, prop))


def _link(obj: object, prop, connection) -> None:
    """The rows of a many-to-many collection's table (a lockdown's devices). The objects
    linked must be in the database already; a collection with a reverse side is refused,
    since that side would write the same rows again at the flush."""
    if prop._reverse_property:
        raise ValueError(f"{prop} has a reverse side: insert_new cannot link it")
    rows = []
    for other in inspect(obj).dict[prop.key]:
        row = {}
        for own_column, link_column in prop.synchronize_pairs:
            row[link_column.key] = getattr(obj, prop.parent.get_property_by_column(own_column).key)
        for other_column, link_column in prop.secondary_synchronize_pairs:
            row[link_column.key] = _key_of(other, prop.mapper, other_column, prop)
        rows.append(row)
    connection.execute(_statement(prop.secondary), rows)


def _key_of(other: object, other_mapper, column, prop):
    """`other`'s value of `column` (its key), flushing the session first when `other` is
    still pending there; ValueError when it has none."""
    if inspect(other).key is None and other in db.session:
        db.session.flush()
    key = getattr(other, other_mapper.get_property_by_column(column).key)
    if key is None:
        raise ValueError(f"{prop} refers to an object without a key")
    return key


@functools.cache
def _check_writable(mapper) -> None:
    """Refuse (ValueError) a model whose rows this module cannot write as the flush would:
    a table without a one-column primary key (the WITH clauses hand one key on), or a
    Python default that reads the statement's context (computed here, it has none)."""
    for table in _tables(mapper):
        if len(table.primary_key.columns) != 1:
            raise ValueError(f"{table.name}: insert_new needs a one-column primary key")
        for column in table.columns:
            default = column.default
            if (default is not None and default.is_callable
                    and not hasattr(default.arg, "__wrapped__")):
                raise ValueError(f"{table.name}.{column.name}: insert_new cannot compute a "
                                 "default that reads the statement's context")


@functools.cache
def _tables(mapper) -> tuple:
    """The mapper's tables, base table first (joined inheritance: the subclass row takes
    the base row's key)."""
    tables = []
    for each in reversed(list(mapper.iterate_to_root())):
        if each.local_table not in tables:
            tables.append(each.local_table)
    return tuple(tables)


@functools.cache
def _statement(table):
    return table.insert()
