// PLACEHOLDER: replaced by the owner-dashboard work in progress (must not ship).
export default function ConversationsPage() {
  return <p>ConversationsPage</p>;
}
