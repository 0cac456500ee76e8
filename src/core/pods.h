#pragma once

#include "core/history.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

namespace Curtain::Core {

// One pod of an environment, as `kubectl get pods -o wide` shows it.
struct PodInfo
{
    QString name;
    int readyContainers = 0;
    int containers = 0;
    int restarts = 0;
    QString phase; // Running, Pending, …
    QString node;
    QDateTime created;
    QStringList containerNames;

    bool ready() const { return containers > 0 && readyContainers == containers; }
};

// What runs an environment: its pods, and the Warning events on them and on its workload, newest first.
struct EnvironmentPods
{
    QString workload; // Kind/name, e.g. Deployment/catalog-green
    QList<PodInfo> pods;
    QList<HistoryEntry> warnings;
    QString warningsProblem; // the events could not be read (the pods are still shown)
};

// "45s", "12m", "3h", "2d": an age as kubectl prints it.
QString shortAge(const QDateTime &since, const QDateTime &now);

} // namespace Curtain::Core
