import { NgTemplateOutlet } from '@angular/common';
import { ChangeDetectionStrategy, Component, TemplateRef, input } from '@angular/core';
import type { MdBlock } from './markdown';

/**
 * Renders parsed Markdown (see markdown.ts) with Angular's text bindings and a few plain elements: no
 * HTML from the body ever reaches the page. `trailing` (the message's "(edited) ✓") goes at the end of
 * the last paragraph, or after the last block when that is not a paragraph.
 */
@Component({
  selector: 'app-markdown-body',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [NgTemplateOutlet],
  styleUrl: './markdown-body.css',
  // One line per template on purpose: paragraphs are white-space: pre-wrap, so template whitespace would show.
  // prettier-ignore
  template: `
<ng-template #inlines let-parts>@for (part of parts; track $index) {@switch (part.kind) {@case ('text') {{{ part.text }}}@case ('emoji') {<span class="md-emoji" role="img" [attr.aria-label]="part.name.replaceAll('_', ' ')" [title]="':' + part.name + ':'">{{ part.text }}</span>}@case ('strong') {<strong><ng-container *ngTemplateOutlet="inlines; context: { $implicit: part.children }" /></strong>}@case ('em') {<em><ng-container *ngTemplateOutlet="inlines; context: { $implicit: part.children }" /></em>}@case ('del') {<del><ng-container *ngTemplateOutlet="inlines; context: { $implicit: part.children }" /></del>}@case ('mention') {@if (mentionable()) {<span class="md-mention" [class.md-mention--me]="isMe(part.name)">{{ part.text }}</span>} @else {{{ part.text }}}}@case ('code') {<code class="md-code">{{ part.text }}</code>}@case ('link') {<a [href]="part.href" target="_blank" rel="noopener noreferrer"><ng-container *ngTemplateOutlet="inlines; context: { $implicit: part.children }" /></a>}}}</ng-template>
<ng-template #blockList let-list let-top="top">@for (block of list; track $index; let last = $last) {@switch (block.kind) {@case ('paragraph') {<p class="md-p"><ng-container *ngTemplateOutlet="inlines; context: { $implicit: block.children }" />@if (top && last && trailing()) {<ng-container *ngTemplateOutlet="trailing()" />}</p>}@case ('code') {<pre class="md-pre" tabindex="0"><code>{{ block.text }}</code></pre>}@case ('quote') {<blockquote class="md-quote"><ng-container *ngTemplateOutlet="blockList; context: { $implicit: block.children, top: false }" /></blockquote>}@case ('list') {@if (block.ordered) {<ol class="md-list" [start]="block.start">@for (item of block.items; track $index) {<li><ng-container *ngTemplateOutlet="blockList; context: { $implicit: item, top: false }" /></li>}</ol>} @else {<ul class="md-list">@for (item of block.items; track $index) {<li><ng-container *ngTemplateOutlet="blockList; context: { $implicit: item, top: false }" /></li>}</ul>}}}@if (top && last && block.kind !== 'paragraph' && trailing()) {<ng-container *ngTemplateOutlet="trailing()" />}}</ng-template>
<ng-container *ngTemplateOutlet="blockList; context: { $implicit: blocks(), top: true }" />`,
})
export class MarkdownBody {
  readonly blocks = input.required<readonly MdBlock[]>();
  readonly trailing = input<TemplateRef<unknown> | null>(null);
  /** Whether the message mentions anyone: only then are its `@name`s shown as mentions. */
  readonly mentionable = input(false);
  /** My username, and whether the message mentions me (then `@room` is me too). */
  readonly me = input<string | null>(null);
  readonly mentionsMe = input(false);

  protected isMe(name: string): boolean {
    return this.mentionsMe() && (name === this.me() || name === 'room');
  }
}
