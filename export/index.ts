// Export: statements and claims per rights holder and period (issue 5). Nothing is built
// here yet; this file will show the component's public surface.
export {};
