#include "settings.h"

#include "core/confirmation.h"

#include <QSettings>

namespace Curtain::Ui::Settings {

QStringList protectedContexts()
{
    const QSettings settings;
    return settings.value(QStringLiteral("safety/protectedContexts"), Core::defaultProtectedContexts()).toStringList();
}

} // namespace Curtain::Ui::Settings
