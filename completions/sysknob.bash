# bash completion for sysknob(8)                         -*- shell-script -*-
# Installed as /usr/share/bash-completion/completions/sysknob.
#
# Profile names and snapshot ids come from the binary being completed
# (`sysknob list --format json`, `sysknob snapshots --format json`), with the
# --root already typed on the command line, so a scratch root or a build
# tree's binary completes its own profiles. Without a usable binary, profile
# names are read from ROOT/etc/sysknob/profiles and /usr/share/sysknob/profiles.

_sysknob_commands="list show lint diff apply snapshots rollback status import export doctor"
_sysknob_globals="--root --kernel --format -q --quiet -v --verbose --no-color --version -h --help"

# _sysknob_root: the value of a --root DIR or --root=DIR already typed.
_sysknob_root()
{
    local i w
    for ((i = 1; i < ${#COMP_WORDS[@]}; i++)); do
        [[ $i -eq $COMP_CWORD ]] && continue
        w=${COMP_WORDS[i]}
        if [[ $w == --root && $((i + 1)) -lt ${#COMP_WORDS[@]} && $((i + 1)) -ne $COMP_CWORD ]]; then
            printf '%s\n' "${COMP_WORDS[i + 1]}"
            return
        elif [[ $w == --root=* ]]; then
            printf '%s\n' "${w#--root=}"
            return
        fi
    done
}

# _sysknob_run ARGS...: runs the binary being completed with the typed --root.
_sysknob_run()
{
    local bin=${COMP_WORDS[0]} root
    [[ $bin == */* ]] || bin=$(type -P -- "$bin" 2>/dev/null)
    [[ -n $bin && -x $bin ]] || return 1
    root=$(_sysknob_root)
    [[ $root == "~"/* ]] && root=$HOME/${root#"~"/} # a typed ~/, never eval'ed
    if [[ -n $root ]]; then
        "$bin" --root "$root" "$@" 2>/dev/null
    else
        "$bin" "$@" 2>/dev/null
    fi
}

# _sysknob_json_field FIELD: values of "FIELD": "..." lines of a JSON
# document printed by sysknob (one member per line, indented).
_sysknob_json_field()
{
    sed -n 's/^ *"'"$1"'": "\([^"]*\)",\{0,1\}$/\1/p'
}

_sysknob_profiles()
{
    local names
    names=$(_sysknob_run list --format json | _sysknob_json_field name)
    if [[ -z $names ]]; then
        local root dir f
        root=$(_sysknob_root)
        [[ $root == "~"/* ]] && root=$HOME/${root#"~"/}
        for dir in "$root/etc/sysknob/profiles" "${SYSKNOB_DATADIR:-/usr/share/sysknob}/profiles"; do
            for f in "$dir"/*.toml; do
                [[ -f $f ]] || continue
                f=${f##*/}
                names+=" ${f%.toml}"
            done
        done
    fi
    printf '%s\n' $names
}

_sysknob_snapshot_ids()
{
    _sysknob_run snapshots --format json | _sysknob_json_field id
}

_sysknob()
{
    local cur prev cmd i w
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}
    COMPREPLY=()

    # The command is the first word that is neither an option nor the value
    # of an option that takes one.
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        case $w in
            --root | --kernel | --format | --priority | --keep | --interval | --output) ((i++)) ;;
            -*) ;;
            *)
                cmd=$w
                break
                ;;
        esac
    done

    case $prev in
        --root)
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -d -- "$cur"))
            return
            ;;
        --kernel)
            COMPREPLY=($(compgen -W "$(uname -r 2>/dev/null) 4.19 5.4 5.10 5.15 6.1 6.6" -- "$cur"))
            return
            ;;
        --format)
            if [[ $cmd == doctor ]]; then
                COMPREPLY=($(compgen -W "text json prometheus" -- "$cur"))
            else
                COMPREPLY=($(compgen -W "text json" -- "$cur"))
            fi
            return
            ;;
        --priority)
            COMPREPLY=($(compgen -W "10 50 90 99" -- "$cur"))
            return
            ;;
        --keep)
            COMPREPLY=($(compgen -W "5 10 20 50" -- "$cur"))
            return
            ;;
        --interval)
            COMPREPLY=($(compgen -W "0 1 5 10 60" -- "$cur"))
            return
            ;;
        --output | -o)
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -f -- "$cur"))
            return
            ;;
        --name)
            return
            ;;
    esac
    if [[ $cur == --root=* || $cur == --format=* ]]; then
        return
    fi

    local opts=""
    case $cmd in
        "") opts="" ;;
        list | snapshots | status) opts="" ;;
        show | diff) opts="" ;;
        lint) opts="--strict --list-rules --container --mem-total" ;;
        apply) opts="--dry-run --check --runtime-only --persist-only --priority --keep" ;;
        rollback) opts="--discard --keep" ;;
        import) opts="--boot --name --output --take-over" ;;
        doctor) opts="--interval --output --list-findings" ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$_sysknob_globals $opts" -- "$cur"))
        return
    fi

    case $cmd in
        "")
            COMPREPLY=($(compgen -W "$_sysknob_commands" -- "$cur"))
            ;;
        import)
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -f -- "$cur"))
            ;;
        show | diff | apply | lint | export)
            # A profile is a name or a path (contains / or ends in .toml).
            if [[ $cur == */* || $cur == .* || $cur == ~* ]]; then
                compopt -o filenames 2>/dev/null
                COMPREPLY=($(compgen -f -X '!*.toml' -- "$cur") $(compgen -d -- "$cur"))
            else
                COMPREPLY=($(compgen -W "$(_sysknob_profiles)" -- "$cur"))
            fi
            ;;
        rollback)
            COMPREPLY=($(compgen -W "$(_sysknob_snapshot_ids)" -- "$cur"))
            ;;
    esac
}

complete -F _sysknob sysknob
