// PLACEHOLDER: replaced by the owner-dashboard work in progress (must not ship).
export default function KnowledgePage() {
  return <p>KnowledgePage</p>;
}
