// Shared helpers of the generated specs; not a spec of a host.
export const CMC_URL = "https://cmc.example.test";
