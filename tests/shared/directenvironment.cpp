// SPDX-License-Identifier: BSD-3-Clause
#include "directenvironment.h"

QProcessEnvironment directEnvironment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char *name :
         {"http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"})
        env.remove(QLatin1StringView(name));
    return env;
}
