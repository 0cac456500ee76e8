# bash completion for curtainctl: commands, options, and release names from the cluster in use.
_curtainctl()
{
    local cur prev words cword
    _init_completion || return

    local commands="contexts releases status history set-weight promote flip rollback scale run inspect abort retry pause resume restart undo set-image suspend close-gates migration"
    local options="--context --kubeconfig --demo --server --haproxy --fleet --maint -n --namespace -o --output --plan --full --to-revision --prometheus-token-file --prometheus-basic-auth-file --scale-first --ready-timeout --request-timeout --sync-timeout --reaction-timeout --after --release --database --schema --soak --rows --lock-timeout --batch-size --batch-delay --assume-in-transaction --help --version"

    case $prev in
        --kubeconfig | --haproxy | --plan | --prometheus-token-file | --prometheus-basic-auth-file)
            _filedir
            return
            ;;
        -o | --output)
            COMPREPLY=($(compgen -W "table json" -- "$cur"))
            return
            ;;
        --context)
            COMPREPLY=($(compgen -W "$(curtainctl contexts 2>/dev/null | sed 's/^[* ] //')" -- "$cur"))
            return
            ;;
        --server | --fleet | -n | --namespace | --to-revision | --ready-timeout | --request-timeout | --sync-timeout | --reaction-timeout | --after | \
            --soak | --database | --schema | --rows | --lock-timeout | --batch-size | --batch-delay | --release)
            return
            ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$options" -- "$cur"))
        return
    fi

    # The first word that is not an option (or an option's value) is the command.
    local i command=""
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
            --context | --kubeconfig | --server | --haproxy | --fleet | -n | --namespace | -o | --output | --plan | --to-revision | \
                --prometheus-token-file | --prometheus-basic-auth-file | --ready-timeout | --request-timeout | --sync-timeout | --reaction-timeout | --after | --soak | \
                --database | --schema | --rows | --lock-timeout | --batch-size | --batch-delay | --release)
                ((i++))
                ;;
            -*) ;;
            *)
                command=${words[i]}
                break
                ;;
        esac
    done

    if [[ -z $command ]]; then
        COMPREPLY=($(compgen -W "$commands" -- "$cur"))
    elif [[ $command == inspect ]]; then
        _filedir '@(yaml|yml|json)'
    elif [[ $command == migration ]]; then
        if [[ $prev == migration ]]; then
            COMPREPLY=($(compgen -W "status start complete rollback lint rehearse" -- "$cur"))
        else
            _filedir '@(yaml|yml|json|sql)'
        fi
    elif [[ $command != contexts && $command != releases ]]; then
        # Release names, from the same cluster options as the line being completed.
        local cluster=() j column=2
        for ((j = 1; j < cword; j++)); do
            case ${words[j]} in
                --context | --kubeconfig | --server | -n | --namespace | --fleet) cluster+=("${words[j]}" "${words[j + 1]}") ;;
                --haproxy) cluster+=("${words[j]}" "${words[j + 1]}") column=1 ;; # a fleet's table starts with the release
                --demo) cluster+=(--demo) ;;
            esac
        done
        COMPREPLY=($(compgen -W "$(curtainctl "${cluster[@]}" releases 2>/dev/null | awk -v c=$column 'NR > 1 && !/^!/ { print $c }')" -- "$cur"))
    fi
} &&
    complete -F _curtainctl curtainctl
