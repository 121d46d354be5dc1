"""核对授权书: signers and signatures; the last signature starts the economic check (AuthorizationCompleted)."""
