# SPDX-License-Identifier: BSD-3-Clause
# qtsse_set_warnings(target): the project's warning level and the Qt API hygiene defines
# (QT_NO_CAST_FROM_ASCII, QT_NO_KEYWORDS, QT_NO_FOREACH), PRIVATE to the target.
function(qtsse_set_warnings target)
    if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
        target_compile_options(${target} PRIVATE -Wall -Wextra)
        if(QTSSE_DEVELOPER_MODE)
            target_compile_options(${target} PRIVATE -Werror)
        endif()
    endif()
    target_compile_definitions(${target} PRIVATE
        QT_NO_CAST_FROM_ASCII
        QT_NO_CAST_TO_ASCII
        QT_NO_KEYWORDS
        QT_NO_FOREACH
        QT_NO_URL_CAST_FROM_STRING
        QT_USE_QSTRINGBUILDER)
endfunction()
