#include "models/fleetmodel.h"

#include <algorithm>

namespace Curtain::Models {

FleetModel::FleetModel(QObject *parent) : QAbstractTableModel(parent)
{}

void FleetModel::setReleases(const QString &context, const Core::ReleaseSnapshots &releases)
{
    m_unreachable.remove(context);
    m_releases.insert(context, releases);
    rebuild();
}

void FleetModel::setUnreachable(const QString &context, const QString &reason)
{
    m_unreachable.insert(context, reason);
    rebuild();
}

void FleetModel::rebuild()
{
    QList<Row> rows;
    for (auto it = m_unreachable.cbegin(); it != m_unreachable.cend(); ++it) {
        rows.append({it.key(), {}, it.value()});
    }
    for (auto it = m_releases.cbegin(); it != m_releases.cend(); ++it) {
        if (m_unreachable.contains(it.key())) {
            continue; // what we had is stale; the unreachable row says so
        }
        for (const Core::ReleaseSnapshot &release : it.value()) {
            rows.append({it.key(), release, {}});
        }
    }
    std::sort(rows.begin(), rows.end(), [](const Row &a, const Row &b) {
        return std::make_tuple(Core::attentionRank(a.health()), a.context, a.release.namespaceName, a.release.name) <
               std::make_tuple(Core::attentionRank(b.health()), b.context, b.release.namespaceName, b.release.name);
    });
    beginResetModel();
    m_rows = rows;
    endResetModel();
}

int FleetModel::rowOf(const QString &context, const Core::ReleaseKey &release) const
{
    for (qsizetype i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].problem.isEmpty() && m_rows[i].context == context && m_rows[i].release.key() == release) {
            return int(i);
        }
    }
    return -1;
}

int FleetModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int FleetModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant FleetModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid)) {
        return {};
    }
    const Row &row = m_rows.at(index.row());
    if (role == ContextRole) {
        return row.context;
    }
    if (role == ReleaseKeyRole) {
        return row.problem.isEmpty() ? QVariant::fromValue(row.release.key()) : QVariant();
    }
    if (role == Qt::ToolTipRole && !row.problem.isEmpty()) {
        return row.problem;
    }
    if (role != Qt::DisplayRole) {
        return {};
    }
    if (!row.problem.isEmpty()) {
        switch (index.column()) {
        case Context:
            return row.context;
        case Health: // the last, stretching column: room for the reason
            return QStringLiteral("unreachable: %1").arg(row.problem);
        default:
            return QStringLiteral("—");
        }
    }
    const Core::ReleaseSnapshot &r = row.release;
    switch (index.column()) {
    case Context:
        return row.context;
    case Namespace:
        return r.namespaceName;
    case Release:
        return r.name;
    case Stable:
        return QStringLiteral("%1 %2").arg(Core::colorName(r.stable), r.environment(r.stable).version);
    case CandidateWeight:
        return QStringLiteral("%1 %").arg(r.candidateWeight());
    case Health:
        return row.health();
    default:
        return {};
    }
}

QVariant FleetModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    static const char *const titles[ColumnCount] = {QT_TR_NOOP("Context"),   QT_TR_NOOP("Namespace"),
                                                    QT_TR_NOOP("Release"),   QT_TR_NOOP("Stable"),
                                                    QT_TR_NOOP("Candidate"), QT_TR_NOOP("Health")};
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 || section >= ColumnCount) {
        return {};
    }
    return tr(titles[section]);
}

} // namespace Curtain::Models
