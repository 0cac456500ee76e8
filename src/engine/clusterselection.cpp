#include "engine/clusterselection.h"

#include "core/displaytext.h"

#include "kube/apinames.h"
#include "kube/kubeconfig.h"
#include "kube/serverurl.h"

#include <QDir>
#include <QFileInfo>

namespace Curtain::Engine {

namespace {

Core::Result<Kube::Kubeconfig> loadFor(const QString &explicitPath, bool *found)
{
    const QStringList files =
        Kube::Kubeconfig::files(explicitPath, qEnvironmentVariable("KUBECONFIG"), QDir::homePath());
    *found = std::any_of(files.begin(), files.end(), [](const QString &f) { return QFileInfo::exists(f); });
    return Kube::Kubeconfig::load(files, !explicitPath.isEmpty());
}

SelectedCluster demoCluster()
{
    SelectedCluster selected;
    selected.demo = true;
    selected.endpoint.name = demoContextName;
    selected.description = QStringLiteral("demo");
    return selected;
}

// Plain http to another machine is allowed, as kubectl allows it, but never silently.
SelectedCluster withWarning(SelectedCluster selected)
{
    selected.warning = Kube::plainHttpWarning(selected.endpoint.server);
    if (!selected.warning.isEmpty()) {
        selected.description += QStringLiteral(" — ⚠ plain http, unencrypted");
    }
    return selected;
}

} // namespace

Core::Result<SelectedCluster> selectCluster(const ClusterChoice &choice, bool demoWhenNoKubeconfig)
{
    if (!choice.namespaceName.isEmpty()) { // it goes into every URL path
        if (const QString problem = Kube::namespaceProblem(choice.namespaceName); !problem.isEmpty()) {
            return Core::makeError(
                Core::ErrorKind::InvalidInput,
                QStringLiteral("\"%1\" is not a valid namespace: %2").arg(Core::shown(choice.namespaceName), problem));
        }
    }
    if (choice.demo || choice.context == demoContextName) {
        SelectedCluster selected = demoCluster();
        selected.endpoint.namespaceName = choice.namespaceName;
        return selected;
    }
    if (!choice.server.isEmpty()) {
        const auto server = Kube::parseServerUrl(choice.server);
        if (!server.ok()) {
            return Core::makeError(
                Core::ErrorKind::InvalidInput,
                QStringLiteral("--server \"%1\" %2").arg(Kube::shownServerUrl(choice.server), server.error().message));
        }
        SelectedCluster selected;
        selected.endpoint = Core::ClusterEndpoint(QStringLiteral("server"), server.value());
        selected.endpoint.namespaceName = choice.namespaceName;
        selected.description = server.value();
        return withWarning(std::move(selected));
    }
    bool found = false;
    const auto config = loadFor(choice.kubeconfig, &found);
    if (!config.ok()) {
        return config.error();
    }
    if (!found || config.value().contexts().isEmpty()) {
        if (demoWhenNoKubeconfig) {
            return demoCluster();
        }
        const QStringList files =
            Kube::Kubeconfig::files(choice.kubeconfig, qEnvironmentVariable("KUBECONFIG"), QDir::homePath());
        return Core::makeError(
            Core::ErrorKind::InvalidInput,
            QStringLiteral("no cluster to talk to: no kubeconfig context in %1; pass --kubeconfig FILE, "
                           "--server URL or --demo")
                .arg(files.join(QStringLiteral(", "))));
    }
    const auto endpoint = config.value().endpoint(choice.context);
    if (!endpoint.ok()) {
        return endpoint.error();
    }
    SelectedCluster selected;
    selected.endpoint = endpoint.value();
    if (!choice.namespaceName.isEmpty()) {
        selected.endpoint.namespaceName = choice.namespaceName;
    }
    selected.description = QStringLiteral("%1 (%2)").arg(selected.endpoint.name, selected.endpoint.server);
    return withWarning(std::move(selected));
}

Core::Result<QStringList> availableContexts(const QString &explicitKubeconfig, QString *current)
{
    bool found = false;
    const auto config = loadFor(explicitKubeconfig, &found);
    if (!config.ok()) {
        return config.error();
    }
    QStringList names;
    for (const Kube::KubeconfigContext &context : config.value().contexts()) {
        names << context.name;
    }
    names << demoContextName;
    if (current) {
        *current = config.value().currentContext().isEmpty() ? demoContextName : config.value().currentContext();
    }
    return names;
}

} // namespace Curtain::Engine
