import 'package:flutter/material.dart';

import '../theme/insets.dart';

class ResponsiveScaffold extends StatelessWidget {
  const ResponsiveScaffold({
    super.key,
    required this.title,
    required this.body,
    this.sidePanel,
    this.floatingActionButton,
  });

  final String title;
  final Widget body;
  final Widget? sidePanel;
  final Widget? floatingActionButton;

  static const _wideBreakpoint = 840.0;

  @override
  Widget build(BuildContext context) {
    return Scaffold(
      appBar: AppBar(title: Text(title)),
      floatingActionButton: floatingActionButton,
      body: LayoutBuilder(
        builder: (context, constraints) {
          if (constraints.maxWidth >= _wideBreakpoint && sidePanel != null) {
            return _buildWide(context);
          }
          return body;
        },
      ),
    );
  }

  /// Puts the side panel next to the body on tablets and desktop.
  Widget _buildWide(BuildContext context) {
    return Row(
      crossAxisAlignment: CrossAxisAlignment.start,
      children: [
        SizedBox(
          width: 320,
          child: Padding(
            padding: Insets.md,
            child: sidePanel,
          ),
        ),
        const VerticalDivider(width: 1),
        Expanded(child: body),
      ],
    );
  }
}

/// Centers its child and caps the width so forms don't stretch on desktop.
class MaxWidthBox extends StatelessWidget {
  const MaxWidthBox({
    super.key,
    required this.child,
    this.maxWidth = 600,
  });

  final Widget child;
  final double maxWidth;

  @override
  Widget build(BuildContext context) {
    return Align(
      alignment: Alignment.topCenter,
      child: ConstrainedBox(
        constraints: BoxConstraints(maxWidth: maxWidth),
        child: child,
      ),
    );
  }
}
