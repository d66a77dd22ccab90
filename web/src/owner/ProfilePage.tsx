// PLACEHOLDER: replaced by the owner-dashboard work in progress (must not ship).
export default function ProfilePage() {
  return <p>ProfilePage</p>;
}
