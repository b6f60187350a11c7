# tests/lab/procs.sh: sourced by run.sh and users.sh (bash).  Which processes
# a lab may stop: only those in its own network namespaces, whose inodes the
# lab adds to NSINO as it creates them.
NSINO=
alive() {       # alive PID: running (not gone, not a zombie); /proc, as ps is slow here
	local st
	st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	st=${st##*) }
	[ "${st%% *}" != Z ]
}
mine() {        # mine PID: the process lives in one of our namespaces.  PIDs are
	# reused (pid_max is 32768 here, and a run starts thousands of processes):
	# a PID recorded minutes ago may belong to someone else's process by now
	local ino
	ino=$(stat -L -c %i /proc/"$1"/ns/net 2>/dev/null) || return 1
	case " $NSINO " in *" $ino "*) return 0 ;; esac
	return 1
}
