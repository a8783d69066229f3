package seccomp

// newerSyscalls are x86-64 syscalls added to the kernel after the headers
// systab is generated from (Debian 12's linux-libc-dev 6.1), with their
// numbers from arch/x86/entry/syscalls/syscall_64.tbl. Profiles such as
// Docker's name them; without this table they would fall to the default
// action (EPERM in Docker's) on a newer kernel, where runc with a current
// libseccomp allows them. Remove once systab is generated from newer headers.
var newerSyscalls = map[string]int{
	"uretprobe":         335, // 6.11
	"cachestat":         451, // 6.5
	"fchmodat2":         452, // 6.6
	"map_shadow_stack":  453, // 6.6
	"futex_wake":        454, // 6.7
	"futex_wait":        455, // 6.7
	"futex_requeue":     456, // 6.7
	"statmount":         457, // 6.8
	"listmount":         458, // 6.8
	"lsm_get_self_attr": 459, // 6.8
	"lsm_set_self_attr": 460, // 6.8
	"lsm_list_modules":  461, // 6.8
	"mseal":             462, // 6.10
	"setxattrat":        463, // 6.13
	"getxattrat":        464, // 6.13
	"listxattrat":       465, // 6.13
	"removexattrat":     466, // 6.13
	"open_tree_attr":    467, // 6.15
	"file_getattr":      468, // 6.17
	"file_setattr":      469, // 6.17
	"listns":            470, // 6.18
}
