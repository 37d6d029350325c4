"""Insert a new object by plain INSERT statements, then hand it to the session as loaded.

The unit of work's flush is general: it sorts every pending object, works out each one's
dependencies and history, and is built to write many objects at once. A use case that
creates one ticket with its first event pays that for three rows, and on the escort
submit it was a third of all the CPU the request cost (docs/performance.md). `insert_new`
writes the same rows the flush would write, in the same order, with the same values:

- the mapper's `before_insert` and `after_insert` hooks run (the confidential ids of
  app.models.tickets);
- the many-to-one objects it refers to give their keys, and the one-to-many children it
  holds (a ticket's first event) are inserted after it with its key;
- every column without a value gets its default, or NULL, and the version counter its
  first value;
- then the object and its children join the session as persistent and fully loaded, so
  nothing is read again and a later change in the same transaction is a normal
  (versioned) UPDATE.

Anything it does not handle (an object already in a session) is refused, never written
half.
"""
from __future__ import annotations

import functools

from sqlalchemy import inspect
from sqlalchemy.orm import MANYTOMANY, MANYTOONE, ONETOMANY, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db


def insert_new(obj: object) -> None:
    """INSERT `obj` (transient) and the new children in its collections, in the current
    transaction; afterwards it is persistent in the session, as if flushed and loaded."""
    added = []
    _insert(obj, db.session.connection(), added)
    for each in reversed(added):  # children first: attaching `obj` cascades to them
        make_transient_to_detached(each)
    db.session.add(obj)


def _insert(obj: object, connection, added: list) -> None:
    state = inspect(obj)
    if state.session_id is not None or state.key is not None:
        raise ValueError(f"{obj!r} is not new: insert_new takes a transient object")
    mapper = state.mapper
    _take_keys_of_parents(mapper, obj)
    mapper.dispatch.before_insert(mapper, connection, state)
    for table in _tables(mapper):
        _insert_row(obj, mapper, table, connection)
    mapper.dispatch.after_insert(mapper, connection, state)
    added.append(obj)
    for prop in mapper.relationships:
        if prop.direction is ONETOMANY and prop.key in state.dict:
            for child in state.dict[prop.key] or ():
                for parent_column, child_column in prop.synchronize_pairs:
                    setattr(child, prop.mapper.get_property_by_column(child_column).key,
                            getattr(obj, mapper.get_property_by_column(parent_column).key))
                _insert(child, connection, added)
        elif prop.direction is MANYTOMANY and state.dict.get(prop.key):
            _link(obj, prop, connection)


def _insert_row(obj: object, mapper, table, connection) -> None:
    """INSERT `obj`'s row of `table`, then set on `obj` every value written (defaults and
    the key the database gave included)."""
    state = inspect(obj)
    values = {column.key: value for column in table.columns
              if (value := _value(state, mapper, column)) is not _DEFAULT}
    if mapper.version_id_col is not None and mapper.version_id_col.table is table:
        values[mapper.version_id_col.key] = mapper.version_id_generator(None)
    result = connection.execute(_statement(table), values)
    written = dict(result.last_inserted_params())
    written.update(zip((c.key for c in table.primary_key), result.inserted_primary_key,
                       strict=True))
    for column in table.columns:
        key = mapper.get_property_by_column(column).key
        if column.key in written:
            set_committed_value(obj, key, written[column.key])
        else:  # a default only the database knows: read when first used
            state.dict.pop(key, None)


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
    connection.execute(prop.secondary.insert(), rows)


def _take_keys_of_parents(mapper, obj: object) -> None:
    """Copy into `obj`'s foreign key columns the keys of the objects its many-to-one
    relationships were given (the flush's sync step). A parent still pending in the
    session is flushed first, to give it its key; the session is not flushed otherwise, so
    what the use case changed so far is written at its commit, as before."""
    state = inspect(obj)
    for prop in mapper.relationships:
        if prop.direction is not MANYTOONE or state.dict.get(prop.key) is None:
            continue
        for parent_column, own_column in prop.synchronize_pairs:
            setattr(obj, mapper.get_property_by_column(own_column).key,
                    _key_of(state.dict[prop.key], prop.mapper, parent_column, prop))


def _key_of(other: object, other_mapper, column, prop):
    """`other`'s value of `column` (its key), flushing the session first when `other` is
    still pending there; ValueError when it has none."""
    if inspect(other).key is None and other in db.session:
        db.session.flush()
    key = getattr(other, other_mapper.get_property_by_column(column).key)
    if key is None:
        raise ValueError(f"{prop} refers to an object without a key")
    return key


def _value(state, mapper, column):
    """The object's value for `column`; _DEFAULT where it has none and the column has a
    default (or is a key the database gives), left out of the INSERT as a flush leaves it."""
    value = state.dict.get(mapper.get_property_by_column(column).key)
    if value is None and (column.primary_key or column.default is not None
                          or column.server_default is not None):
        return _DEFAULT
    return value


_DEFAULT = object()


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
