// Owned by a helper session; see the issue. Placeholder until it lands.
export {};
