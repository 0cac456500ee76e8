#pragma once

#include "core/release.h"

#include <QAbstractTableModel>
#include <QHash>

namespace Curtain::Models {

// Releases of several contexts in one table, those needing attention first: unreachable contexts,
// then broken, down, degraded, progressing and canary releases, then healthy ones.
class FleetModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Context, Namespace, Release, Stable, CandidateWeight, Health, ColumnCount };
    // A row is known by (context, Core::ReleaseKey): names repeat across namespaces and contexts.
    enum Role { ContextRole = Qt::UserRole + 1, ReleaseKeyRole };

    explicit FleetModel(QObject *parent = nullptr);

    void setReleases(const QString &context, const Core::ReleaseSnapshots &releases);
    void setUnreachable(const QString &context, const QString &reason);
    int rowOf(const QString &context, const Core::ReleaseKey &release) const; // -1 when not listed

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        QString context;
        Core::ReleaseSnapshot release; // empty name: the context itself is unreachable
        QString problem;
        QString health() const { return problem.isEmpty() ? release.health() : QStringLiteral("unreachable"); }
    };
    void rebuild();

    QHash<QString, Core::ReleaseSnapshots> m_releases;
    QHash<QString, QString> m_unreachable;
    QList<Row> m_rows;
};

} // namespace Curtain::Models
