#pragma once

#include "core/result.h"
#include "kube/json.h"
#include "kube/kubeconfig.h"

#include <QList>
#include <QPair>
#include <QString>

namespace Curtain::Kube {

// The entries of one kubeconfig file, in the order written, before merging with other files.
struct KubeconfigFile
{
    QString currentContext;
    QList<QPair<QString, Kubeconfig::Cluster>> clusters;
    QList<QPair<QString, Kubeconfig::User>> users;
    QList<KubeconfigContext> contexts;
};

// Reads one kubeconfig file's YAML (as JSON whose scalars are all text) through non-throwing
// readers: every entry must have the shape client-go decodes, or the error names the file, the
// entry's path and what was found ("…/config: clusters[0] is a string, expected a map with name
// and cluster"). Exec plugins get client-go's validation too.
Core::Result<KubeconfigFile> readKubeconfigFile(const Json &root, const QString &file);

} // namespace Curtain::Kube
