/**
 * A view that throws (a snapshot it did not expect) shows its error inside the widget instead of
 * unmounting it: on a docs page an empty box says nothing, and the host page must not see the
 * exception.
 */
import { Component, type ReactNode } from 'react';
import { ErrorBox } from './EmbedApp';

export class EmbedBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return <ErrorBox error={{ title: `this view failed: ${error.message}`, problems: [] }} />;
  }
}
